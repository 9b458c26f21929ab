package org.strainline.gwf;

/** A PTR_STRUCT: (class id, instance) of a structure in the same frame; (0, 0) is null. */
public final class Ptr {
    public static final Ptr NULL = new Ptr(0, 0);

    public final int classId;
    public final long instance;

    public Ptr(int classId, long instance) {
        this.classId = classId;
        this.instance = instance;
    }

    public boolean isNull() {
        return classId == 0;
    }

    long key() {
        return key(classId, instance);
    }

    static long key(int classId, long instance) {
        return ((long) classId << 32) | (instance & 0xFFFFFFFFL);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ptr && ((Ptr) o).classId == classId && ((Ptr) o).instance == instance;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(key());
    }

    @Override
    public String toString() {
        return isNull() ? "null" : classId + ":" + instance;
    }
}
