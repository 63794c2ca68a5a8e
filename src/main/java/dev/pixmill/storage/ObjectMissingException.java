package dev.pixmill.storage;

/**
 * The object a key names is not in the store (deleted behind its row, never written, or cut
 * short). {@link BlobStore} turns it into an answer its callers understand.
 */
public class ObjectMissingException extends RuntimeException {

    private final String key;

    public ObjectMissingException(String key, String why) {
        super("stored object " + key + " " + why);
        this.key = key;
    }

    public ObjectMissingException(String key, Throwable cause) {
        super("stored object " + key + " is missing", cause);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
