package org.strainline.gwf;

import java.nio.ByteOrder;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** A whole frame file, read by {@link GwfReader}: header facts, frames, TOC and checksum results. */
public final class GwfFile {
    private final String name;
    private final int version;
    private final int minor;
    private final ByteOrder byteOrder;
    private final int library;
    private final List<Frame> frames;
    private final Toc toc;
    private final Map<Integer, String> dictionary;
    private final ChecksumReport checksums;
    private final List<String> warnings;
    private final int skippedStructures;

    GwfFile(String name, int version, int minor, ByteOrder byteOrder, int library, List<Frame> frames, Toc toc,
            Map<Integer, String> dictionary, ChecksumReport checksums, List<String> warnings, int skippedStructures) {
        this.name = name;
        this.version = version;
        this.minor = minor;
        this.byteOrder = byteOrder;
        this.library = library;
        this.frames = Collections.unmodifiableList(frames);
        this.toc = toc;
        this.dictionary = Collections.unmodifiableMap(dictionary);
        this.checksums = checksums;
        this.warnings = Collections.unmodifiableList(warnings);
        this.skippedStructures = skippedStructures;
    }

    public String name() {
        return name;
    }

    /** Frame format version (6, 7 or 8). */
    public int version() {
        return version;
    }

    /** Minor version of the writing library (header byte 6). */
    public int minor() {
        return minor;
    }

    public ByteOrder byteOrder() {
        return byteOrder;
    }

    /** Header byte 38 in v8 files (0 unknown, 1 FrameL, 2 frameCPP); -1 for older versions. */
    public int library() {
        return library;
    }

    /** The writing library's name: {@code FrameL}, {@code frameCPP}, {@code unknown}. */
    public String libraryName() {
        switch (library) {
            case 1: return "FrameL";
            case 2: return "frameCPP";
            default: return "unknown";
        }
    }

    public List<Frame> frames() {
        return frames;
    }

    /** The TOC, or null when the file has none. */
    public Toc toc() {
        return toc;
    }

    /** Class id → structure type name, from the file's FrSH records. */
    public Map<Integer, String> dictionary() {
        return dictionary;
    }

    public ChecksumReport checksums() {
        return checksums;
    }

    /** Oddities that did not stop decoding (unresolved pointers, skipped structures). */
    public List<String> warnings() {
        return warnings;
    }

    /** Structures of types this codec does not know, skipped by their length. */
    public int skippedStructures() {
        return skippedStructures;
    }
}
