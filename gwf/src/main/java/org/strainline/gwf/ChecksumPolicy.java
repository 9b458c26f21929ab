package org.strainline.gwf;

/** What the reader does with checksums. */
public enum ChecksumPolicy {
    /** Verify every checksum present and throw {@link GwfException} (kind CHECKSUM) on the first mismatch. */
    VERIFY,
    /** Verify and record the results in {@link GwfFile#checksums()}, but decode anyway. */
    REPORT,
    /** Do not compute checksums. */
    OFF
}
