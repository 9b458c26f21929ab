package org.strainline.shm;

/** What a published second is. (Files that arrive too late, or twice, are counted, not published.) */
public enum SecondKind {
    /** A second with data from at least one of its streams, in GPS order (possibly flagged). */
    NEXT,
    /** A second without any file, padded with zeros ({@link GapPolicy#PAD}). */
    GAP,
    /** A second whose files could not be read, padded with zeros ({@link GapPolicy#PAD}). */
    CORRUPT
}
