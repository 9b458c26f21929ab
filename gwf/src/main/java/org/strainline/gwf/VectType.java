package org.strainline.gwf;

/**
 * FrVect element types, with their codes in the file. {@link #HALF_COMPLEX_8}/{@link #HALF_COMPLEX_16}
 * are FrameL's FFTW-ordered half-complex arrays (not in the spec); they are read as real arrays.
 */
public enum VectType {
    CHAR(0, "CHAR", 1, false, false, true),
    INT_2S(1, "INT_2S", 2, false, false, true),
    REAL_8(2, "REAL_8", 8, true, false, false),
    REAL_4(3, "REAL_4", 4, true, false, false),
    INT_4S(4, "INT_4S", 4, false, false, true),
    INT_8S(5, "INT_8S", 8, false, false, true),
    COMPLEX_8(6, "COMPLEX_8", 8, true, true, false),
    COMPLEX_16(7, "COMPLEX_16", 16, true, true, false),
    STRING(8, "STRING", 0, false, false, false),
    INT_2U(9, "INT_2U", 2, false, false, false),
    INT_4U(10, "INT_4U", 4, false, false, false),
    INT_8U(11, "INT_8U", 8, false, false, false),
    CHAR_U(12, "CHAR_U", 1, false, false, false),
    HALF_COMPLEX_8(13, "REAL_4H", 4, true, false, false),
    HALF_COMPLEX_16(14, "REAL_8H", 8, true, false, false);

    private static final VectType[] BY_CODE = values();

    private final int code;
    private final String typeName;
    private final int elementBytes;
    private final boolean floating;
    private final boolean complex;
    private final boolean signed;

    VectType(int code, String typeName, int elementBytes, boolean floating, boolean complex, boolean signed) {
        this.code = code;
        this.typeName = typeName;
        this.elementBytes = elementBytes;
        this.floating = floating;
        this.complex = complex;
        this.signed = signed;
    }

    /** The code stored in FrVect.type. */
    public int code() {
        return code;
    }

    /** The spec's name of the type, as {@code strainline frame dump} prints it. */
    public String typeName() {
        return typeName;
    }

    /** Bytes per element (for complex types: per complex sample); 0 for STRING. */
    public int elementBytes() {
        return elementBytes;
    }

    /** Bytes of one real word: half of {@link #elementBytes()} for complex types. */
    public int wordBytes() {
        return complex ? elementBytes / 2 : elementBytes;
    }

    public boolean isFloating() {
        return floating;
    }

    public boolean isComplex() {
        return complex;
    }

    /** Signed integer type (CHAR, INT_2S, INT_4S, INT_8S). */
    public boolean isSignedInteger() {
        return signed;
    }

    /** Unsigned integer type (CHAR_U, INT_2U, INT_4U, INT_8U). */
    public boolean isUnsignedInteger() {
        return this == CHAR_U || this == INT_2U || this == INT_4U || this == INT_8U;
    }

    /** The type for a code, or null when the code is not a known type. */
    public static VectType ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
