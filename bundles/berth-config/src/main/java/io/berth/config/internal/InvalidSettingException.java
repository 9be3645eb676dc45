package io.berth.config.internal;

/** A pipeline setting with a value Berth cannot use: names the key and says why. */
final class InvalidSettingException extends Exception {

    private static final long serialVersionUID = 1L;

    final String key;

    InvalidSettingException(String key, String reason) {
        super(key + ": " + reason);
        this.key = key;
    }
}
