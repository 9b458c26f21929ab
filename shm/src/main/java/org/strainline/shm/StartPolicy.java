package org.strainline.shm;

/** Where ingest starts in each stream directory. */
public enum StartPolicy {
    /** The newest second present at start-up (or the first to arrive in an empty directory). */
    NEWEST,
    /** The oldest second still present. */
    OLDEST,
    /** A given GPS second; earlier files are ignored, missing seconds from there on are gaps. */
    GPS
}
