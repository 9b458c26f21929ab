package org.strainline.gwf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Results of checksum verification for one file. */
public final class ChecksumReport {
    /** Outcome of one checksum. */
    public enum Status { OK, BAD, ABSENT, NOT_CHECKED }

    Status file = Status.NOT_CHECKED;
    Status header = Status.NOT_CHECKED;
    int structuresChecked;
    int badStructures;
    final List<String> problems = new ArrayList<>();

    /** The whole-file checksum (chkSumFile in v8, FrEndOfFile.chkSum in v6/v7). */
    public Status file() {
        return file;
    }

    /** The v8 chkSumFrHeader. */
    public Status header() {
        return header;
    }

    public int structuresChecked() {
        return structuresChecked;
    }

    public int badStructures() {
        return badStructures;
    }

    /** One line per mismatch: structure, offset, stored and computed values. */
    public List<String> problems() {
        return Collections.unmodifiableList(problems);
    }

    /** True when nothing checked was bad. */
    public boolean allOk() {
        return file != Status.BAD && header != Status.BAD && badStructures == 0;
    }
}
