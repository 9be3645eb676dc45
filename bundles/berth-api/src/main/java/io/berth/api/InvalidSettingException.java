package io.berth.api;

/**
 * A setting with a value Berth cannot use, in a listener, a pipeline or a stage: the message
 * starts with the key ({@code KEY: reason}), so an operator reads what to change where. The one
 * exception every Berth configuration reader throws; an {@link IllegalArgumentException}, as
 * {@link StageFactory#create} requires of a stage's bad settings.
 *
 * @since 1.9
 */
public class InvalidSettingException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String key;
    private final String reason;

    /**
     * @param key the setting's key as the operator wrote it (or the file, when the whole file is unreadable)
     * @param reason what is wrong with its value, for a person
     */
    public InvalidSettingException(String key, String reason) {
        super(key + ": " + reason);
        this.key = key;
        this.reason = reason;
    }

    /** @return the setting's key */
    public String key() {
        return key;
    }

    /** @return what is wrong with its value, without the key */
    public String reason() {
        return reason;
    }
}
