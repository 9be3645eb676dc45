package io.berth.socket.internal;

/** A listener setting with a value Berth cannot use: names the key and says why. */
final class InvalidSettingException extends Exception {

    private static final long serialVersionUID = 1L;

    final String key;
    final String reason;

    InvalidSettingException(String key, String reason) {
        super(key + ": " + reason);
        this.key = key;
        this.reason = reason;
    }
}
