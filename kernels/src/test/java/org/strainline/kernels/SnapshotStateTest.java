package org.strainline.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The snapshot's windows are exactly slices of the concatenated stream, however the stream is split. */
class SnapshotStateTest {
    /** Channel c's sample i of the test stream. */
    private static float x(int c, long i) {
        return (float) (c * 1_000_000 + i);
    }

    private static FloatBuffer chunk(int channels, long from, int n) {
        FloatBuffer b = FloatBuffer.allocate(channels * n);
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < n; i++) {
                b.put(c * n + i, x(c, from + i));
            }
        }
        return b;
    }

    private static void assertWindowsAreSlices(SnapshotState s, int batch, int stride, long total) {
        int c = s.channels();
        int k = s.window();
        FloatBuffer dst = FloatBuffer.allocate(batch * c * k + 3);
        s.windows(batch, stride, dst, 3);
        for (int b = 0; b < batch; b++) {
            long end = total - (long) (batch - 1 - b) * stride;
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < k; i += Math.max(1, k / 97)) {
                    assertEquals(x(ch, end - k + i), dst.get(3 + (b * c + ch) * k + i), "b " + b + " c " + ch + " k " + i);
                }
                assertEquals(x(ch, end - 1), dst.get(3 + (b * c + ch) * k + k - 1), "last sample of window " + b);
            }
        }
    }

    @Test
    void windowsEqualSlicesOfTheStreamForAnySplitIntoUpdates() {
        Random r = new Random(7);
        int channels = 3;
        int window = 64;
        int batch = 9;
        int stride = 5;
        SnapshotState s = new SnapshotState(channels, window, batch, stride, 11);
        long total = 0;
        for (int step = 0; step < 400; step++) {
            int n = r.nextInt(10) == 0 ? s.capacity() + r.nextInt(50) : 1 + r.nextInt(40);
            s.update(chunk(channels, total, n), 0, n);
            total += n;
            assertEquals(total, s.written());
            if (s.ready(batch, stride)) {
                assertWindowsAreSlices(s, batch, stride, total);
                assertWindowsAreSlices(s, 1 + r.nextInt(batch), stride, total);
            }
            assertEquals(x(2, total - 1), s.sample(2, 0));
        }
    }

    @Test
    void theSpanIsTheNewestSamplesTheWindowsAreCutFromForAnySplitIntoUpdates() {
        Random r = new Random(5);
        int channels = 3;
        int window = 64;
        int batch = 9;
        int stride = 5;
        int span = window + (batch - 1) * stride;
        SnapshotState s = new SnapshotState(channels, window, batch, stride, 11);
        FloatBuffer dst = FloatBuffer.allocate(channels * span + 2);
        long total = 0;
        int checked = 0;
        for (int step = 0; step < 300; step++) {
            int n = r.nextInt(10) == 0 ? s.capacity() + r.nextInt(50) : 1 + r.nextInt(40);
            s.update(chunk(channels, total, n), 0, n);
            total += n;
            if (!s.ready(batch, stride)) {
                continue;
            }
            s.span(batch, stride, dst, 2);
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < span; i++) {
                    assertEquals(x(c, total - span + i), dst.get(2 + c * span + i), "channel " + c + " sample " + i + " after " + total);
                }
            }
            // window b of the batch starts b * stride samples into the span
            FloatBuffer w = FloatBuffer.allocate(batch * channels * window);
            s.windows(batch, stride, w, 0);
            for (int b = 0; b < batch; b++) {
                for (int c = 0; c < channels; c++) {
                    assertEquals(w.get((b * channels + c) * window), dst.get(2 + c * span + b * stride), "window " + b + " channel " + c);
                }
            }
            checked++;
        }
        assertTrue(checked > 250, "spans checked: " + checked);
        assertThrows(IllegalArgumentException.class, () -> s.span(batch + 100, stride, dst, 0), "a span longer than the state");
    }

    @Test
    void windowsSplitAroundAnUpdateEqualTheWindowsAfterIt() {
        Random r = new Random(11);
        int channels = 3;
        int window = 64;
        int batch = 9;
        int stride = 5;
        SnapshotState s = new SnapshotState(channels, window, batch, stride, 11);
        SnapshotState whole = new SnapshotState(channels, window, batch, stride, 11);
        int size = batch * channels * window + 3;
        FloatBuffer split = FloatBuffer.allocate(size);
        FloatBuffer ref = FloatBuffer.allocate(size);
        long total = 0;
        int checked = 0;
        for (int step = 0; step < 400; step++) {
            int n = step % 3 == 0 ? window : 1 + r.nextInt(s.capacity() + 20);
            int b = 1 + r.nextInt(batch);
            for (int i = 0; i < size; i++) {
                split.put(i, Float.NaN);
            }
            s.windowsBefore(b, stride, n, split, 3);
            // what is written ahead is only what is known: every value older than the update's first
            for (int i = 3; i < 3 + b * channels * window; i++) {
                float v = split.get(i);
                assertTrue(Float.isNaN(v) || (long) v % 1_000_000 < total, "written ahead: " + v + " at " + i);
            }
            FloatBuffer in = chunk(channels, total, n);
            s.update(in, 0, n);
            whole.update(in, 0, n);
            total += n;
            s.windowsAfter(b, stride, n, split, 3);
            if (s.ready(b, stride)) {
                whole.windows(b, stride, ref, 3);
                for (int i = 3; i < 3 + b * channels * window; i++) {
                    assertEquals(ref.get(i), split.get(i), "element " + i + " of a batch of " + b + " after " + n + " new samples");
                }
                assertWindowsAreSlices(s, b, stride, total);
                checked++;
            }
        }
        assertTrue(checked > 300, "batches compared: " + checked);
    }

    @Test
    void deepCleanAndBbhnetShapes() {
        int[][] shapes = {{21, 4096, 512, 8}, {2, 3072, 256, 4}};
        for (int[] sh : shapes) {
            SnapshotState s = new SnapshotState(sh[0], sh[1], sh[2], sh[3], 0);
            long total = 0;
            int perSecond = sh[2] * sh[3];    // one second of new samples gives one full batch
            for (int sec = 0; sec < 4; sec++) {
                s.update(chunk(sh[0], total, perSecond), 0, perSecond);
                total += perSecond;
            }
            assertTrue(s.ready(sh[2], sh[3]));
            assertWindowsAreSlices(s, sh[2], sh[3], total);
        }
    }

    @Test
    void resetForgetsEverythingAndWarmsUpAgain() {
        SnapshotState s = new SnapshotState(2, 16, 4, 2, 0);
        s.update(chunk(2, 0, 40), 0, 40);
        assertTrue(s.ready(4, 2));
        s.reset();
        assertEquals(0, s.written());
        assertFalse(s.ready(1, 2));
        assertEquals(0f, s.sample(1, 3));
        s.update(chunk(2, 1000, 21), 0, 21);
        assertFalse(s.ready(4, 2), "16 + 3 * 2 = 22 samples needed");
        assertTrue(s.ready(3, 2));
        s.update(chunk(2, 1021, 1), 0, 1);
        assertTrue(s.ready(4, 2));
        assertWindowsAreSlices(s, 4, 2, 1022);
    }

    @Test
    void aBatchLargerThanTheSnapshotIsRefused() {
        SnapshotState s = new SnapshotState(1, 16, 4, 2, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.windows(5, 2, FloatBuffer.allocate(100), 0));
        assertEquals("a batch of 5 windows 2 apart spans 24 samples; the snapshot keeps 22", e.getMessage());
    }

    @Test
    void updateWindowsAndSpanAllocateNothing() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        SnapshotState s = new SnapshotState(21, 4096, 512, 8, 0);
        FloatBuffer second = java.nio.ByteBuffer.allocateDirect(4 * 21 * 4096).order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        FloatBuffer dst = java.nio.ByteBuffer.allocateDirect(4 * 64 * 21 * 4096).order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < 200; i++) {
            s.update(second, 0, 4096);
            s.windows(64, 8, dst, 0);
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1000; i++) {
            s.update(second, 0, 4096);
            s.windows(64, 8, dst, 0);
        }
        for (int i = 0; i < 1000; i++) {
            s.windowsBefore(64, 8, 4096, dst, 0);
            s.update(second, 0, 4096);
            s.windowsAfter(64, 8, 4096, dst, 0);
        }
        for (int i = 0; i < 1000; i++) {
            s.update(second, 0, 4096);
            s.span(512, 8, dst, 0);
        }
        long bytes = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(bytes < 1000, "allocated " + bytes + " bytes over 3000 updates + batches, whole, split and as the span");
    }
}
