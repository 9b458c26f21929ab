package org.strainline.shm;

/** How a frame file's bytes reach the decoder. */
public enum ReadMode {
    /**
     * Memory-mapped in place (read-only, over a fixed reserved window): nothing is copied. Right for
     * the field's writers, which write a temporary file and rename it; a writer that truncates a
     * file in place while it is being read could fault the process, so use {@link #COPY} there.
     */
    MMAP,
    /** Read with {@code pread(2)} into a preallocated off-heap buffer: one copy, immune to truncation. */
    COPY
}
