package org.strainline.daemon.engine;

/** An engine could not start, or one run failed (the caller counts it and flags the second). */
public class EngineException extends Exception {
    private static final long serialVersionUID = 1L;

    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
