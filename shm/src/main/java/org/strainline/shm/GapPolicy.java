package org.strainline.shm;

/** What the assembler does with a second that has no readable data (missing or corrupt files). */
public enum GapPolicy {
    /** Publish the second with zeros, flagged GAP (or CORRUPT) and INVALID, so downstream stays continuous. */
    PAD,
    /** Publish nothing for it; the next published second carries RESET so downstream state restarts. */
    RESET,
    /** Publish nothing for it; downstream sees the jump in GPS time. */
    SKIP
}
