package org.strainline.gwf;

import java.io.IOException;

/**
 * The one exception the codec throws for bad input: it names the file, the byte offset where the
 * problem was found, and the reason. Malformed, truncated or unsupported files never surface as
 * {@code ArrayIndexOutOfBoundsException}, {@code NegativeArraySizeException} or
 * {@code OutOfMemoryError}: every length is checked against what remains before anything is read.
 */
public class GwfException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why a file was refused. */
    public enum Kind {
        /** Not a frame file (bad magic or primitive sizes). */
        NOT_A_FRAME_FILE,
        /** A format version this codec does not read. */
        UNSUPPORTED_VERSION,
        /** The file ends before its FrEndOfFile (for example a frame still being written). */
        TRUNCATED,
        /** A checksum does not match. */
        CHECKSUM,
        /** A length, count, pointer or code that cannot be right. */
        MALFORMED,
        /** The requested channel or frame is not in the file. */
        NOT_FOUND
    }

    private final Kind kind;
    private final String file;
    private final long offset;
    private final String reason;

    public GwfException(Kind kind, String file, long offset, String reason) {
        super(format(file, offset, reason));
        this.kind = kind;
        this.file = file;
        this.offset = offset;
        this.reason = reason;
    }

    public GwfException(Kind kind, String file, long offset, String reason, Throwable cause) {
        this(kind, file, offset, reason);
        initCause(cause);
    }

    private static String format(String file, long offset, String reason) {
        StringBuilder sb = new StringBuilder();
        sb.append(file == null ? "<buffer>" : file);
        if (offset >= 0) {
            sb.append(" at offset ").append(offset);
        }
        return sb.append(": ").append(reason).toString();
    }

    public Kind kind() {
        return kind;
    }

    /** The file name (or a description of the buffer) the problem was found in. */
    public String file() {
        return file;
    }

    /** Byte offset in the file, or -1 where the problem has no single position. */
    public long offset() {
        return offset;
    }

    /** The reason alone, without file and offset. */
    public String reason() {
        return reason;
    }
}
