package org.strainline.shm;

import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The daemon's front door: a thread per IFO (or one for all, {@link IngestConfig#threadPerIfo})
 * that watches the IFO's stream directories, decodes each new frame file into the IFO's assembler
 * and publishes each assembled second into the IFO's {@link FrameRing}. With a thread per IFO the
 * IFOs' files of one second are decoded side by side, not one IFO's after the other's, and each
 * IFO's ingest can run on the CPU of its own pipeline.
 *
 * <p>Each thread waits in one {@code poll(2)} over its watchers' inotify descriptors (and an
 * eventfd that {@link #close()} writes), with a timeout set by the nearest assembler deadline (a
 * partner file's lateness budget, a retry of a file still being written) and by the polling
 * interval where a watcher had to fall back to polling; an idle ingest uses no CPU, and it never
 * spins (on a small host a spinning ingest thread delays the very writers it waits for). The files present at start-up (from the start second given
 * by the {@link StartPolicy} on) are fed to the assemblers in GPS order across streams, only as
 * fast as the rings have room, and files arriving meanwhile queue behind them; after that catch-up
 * every file goes straight to its assembler, except while its ring is full (the consumers are
 * behind): then new files wait on disk, in order, and go in as the ring makes room, so a slow
 * patch downstream costs latency, never data (a file that the writer's retention deletes while
 * it waits is counted unreadable, its second a gap). Only a second that a newer file forces out of
 * the assembler's window while the ring is full is dropped (and counted).
 *
 * <p>Lifecycle: construct (validates, resolves the start, opens the watchers; start-up errors
 * throw naming the stream and directory), add consumers to {@link #ring}, {@link #start()}, then
 * {@link #close()} (stops the threads, each of which first hands on every second it holds, then
 * lets the consumers finish, then releases everything; idempotent). Tests may instead call
 * {@link #doWork} by hand without starting the threads.
 *
 * <p>Allocation free in steady state on the ingest threads (proven by a test measuring a thread's
 * allocated bytes over 10,000 frames). An ingest thread owns its IFOs' watchers, assemblers and
 * files; counters and rings are the only things other threads touch.
 */
public final class Ingest implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Ingest.class.getName());
    /** The longest wait in poll(2): {@link #close()} wakes the threads through an eventfd before that. */
    private static final int MAX_WAIT_MS = 1000;

    private final IngestConfig config;
    private final FrameAssembler.NanoClock clock;
    private final Unit[] units;
    private final Map<String, Unit> byIfo = new LinkedHashMap<>();
    /** The threads' loops: one per IFO, or one for all ({@link IngestConfig#threadPerIfo}). */
    private final Loop[] loops;
    private ThreadPlacement placement = ThreadPlacement.NONE;
    private volatile boolean running;
    private boolean started;
    private boolean closed;

    /** One IFO: its watchers, files, assembler, ring and the queue of files waiting for catch-up. */
    private static final class Unit {
        final IfoSpec spec;
        final IngestCounters counters;
        final FrameRing ring;
        final StreamWatcher[] watchers;
        final MappedFrameFiles files;
        final FrameAssembler assembler;
        final Listener[] listeners;
        long[] queueGps = new long[256];
        int[] queueStream = new int[256];
        int[] queueDuration = new int[256];
        /** When each queued file was seen (nanoTime), or {@link Long#MIN_VALUE}: when it is fed. */
        long[] queueDetected = new long[256];
        int queueHead;
        int queueTail;
        boolean catchingUp;
        /** Files of the running stream wait in the queue: the ring was full when they came. */
        boolean holding;
        long holdEpisodes;
        long holdLoggedNs;
        boolean holdLogged;
        /** The newest GPS second ever queued (read by other threads: {@link #newestWaitingGps}). */
        volatile long newestQueued = Long.MIN_VALUE;
        long watcherIgnored;
        long watcherRefused;
        long watcherOverflows;

        Unit(IfoSpec spec, IngestCounters counters, FrameRing ring, StreamWatcher[] watchers, MappedFrameFiles files,
             FrameAssembler assembler) {
            this.spec = spec;
            this.counters = counters;
            this.ring = ring;
            this.watchers = watchers;
            this.files = files;
            this.assembler = assembler;
            this.listeners = new Listener[watchers.length];
            for (int s = 0; s < watchers.length; s++) {
                listeners[s] = new Listener(this, s);
            }
        }

        void enqueue(int stream, long gps, int dur, long detectedNanos) {
            if (queueTail == queueGps.length) {
                if (queueHead > 0) {
                    int n = queueTail - queueHead;
                    System.arraycopy(queueGps, queueHead, queueGps, 0, n);
                    System.arraycopy(queueStream, queueHead, queueStream, 0, n);
                    System.arraycopy(queueDuration, queueHead, queueDuration, 0, n);
                    System.arraycopy(queueDetected, queueHead, queueDetected, 0, n);
                    queueHead = 0;
                    queueTail = n;
                } else {
                    queueGps = Arrays.copyOf(queueGps, queueGps.length * 2);
                    queueStream = Arrays.copyOf(queueStream, queueStream.length * 2);
                    queueDuration = Arrays.copyOf(queueDuration, queueDuration.length * 2);
                    queueDetected = Arrays.copyOf(queueDetected, queueDetected.length * 2);
                }
            }
            // in GPS order (files of one second side by side), whatever order the watchers saw them in
            int i = queueTail++;
            while (i > queueHead && (queueGps[i - 1] > gps || queueGps[i - 1] == gps && queueStream[i - 1] > stream)) {
                queueGps[i] = queueGps[i - 1];
                queueStream[i] = queueStream[i - 1];
                queueDuration[i] = queueDuration[i - 1];
                queueDetected[i] = queueDetected[i - 1];
                i--;
            }
            queueGps[i] = gps;
            queueStream[i] = stream;
            queueDuration[i] = dur;
            queueDetected[i] = detectedNanos;
            if (gps > newestQueued) {
                newestQueued = gps;
            }
        }
    }

    /** Receives a watcher's files for one stream of one IFO; made once at start-up. */
    private static final class Listener implements StreamWatcher.Listener {
        private final Unit unit;
        private final int stream;

        Listener(Unit unit, int stream) {
            this.unit = unit;
            this.stream = stream;
        }

        @Override
        public void onFrameFile(long gpsS, int durationS, long detectedNanos) {
            if (unit.assembler.holds(gpsS)) {
                unit.assembler.onFile(stream, gpsS, durationS, detectedNanos);   // its second is open: join it
            } else if (unit.queueHead < unit.queueTail) {
                unit.enqueue(stream, gpsS, durationS, detectedNanos);    // with the files already waiting
                if (unit.holding) {
                    unit.counters.increment(IngestCounter.FILES_HELD);
                }
            } else if (!unit.ring.hasRoom()) {
                unit.enqueue(stream, gpsS, durationS, detectedNanos);
                unit.counters.increment(IngestCounter.FILES_HELD);
                if (!unit.holding) {
                    unit.holding = true;
                    unit.holdEpisodes++;
                    long now = System.nanoTime();
                    // one line a minute at most: consumers just keeping up may fill the ring every second
                    unit.holdLogged = unit.holdLoggedNs == 0 || now - unit.holdLoggedNs > 60_000_000_000L;
                    if (unit.holdLogged) {
                        unit.holdLoggedNs = now;
                        LOG.log(System.Logger.Level.WARNING, unit.spec.ifo() + ": the ring is full (its consumers are behind);"
                                + " new files wait on disk, in order, until it has room (from GPS " + gpsS + "; "
                                + unit.holdEpisodes + " time(s) since start, counted in files_held)");
                    }
                }
            } else {
                unit.assembler.onFile(stream, gpsS, durationS, detectedNanos);
            }
        }
    }

    public Ingest(IngestConfig config) throws IOException {
        this(config, System::nanoTime);
    }

    public Ingest(IngestConfig config, FrameAssembler.NanoClock clock) throws IOException {
        this.config = config;
        this.clock = clock;
        List<Unit> list = new ArrayList<>();
        try {
            for (IfoSpec ifo : config.ifos()) {
                Unit u = openUnit(ifo);
                list.add(u);
                byIfo.put(ifo.ifo(), u);
            }
        } catch (IOException | RuntimeException e) {
            for (Unit u : list) {
                release(u);
            }
            throw e;
        }
        this.units = list.toArray(new Unit[0]);
        List<Loop> made = new ArrayList<>();
        if (config.threadPerIfo()) {
            for (Unit u : units) {
                made.add(new Loop("strainline-" + u.spec.ifo() + "-ingest", new Unit[] {u}));
            }
        } else {
            made.add(new Loop("strainline-ingest", units));
        }
        this.loops = made.toArray(new Loop[0]);
    }

    private Unit openUnit(IfoSpec ifo) throws IOException {
        int n = ifo.streams().size();
        long[][] listed = new long[n][];
        for (int s = 0; s < n; s++) {
            StreamSpec st = ifo.streams().get(s);
            if (!Files.isDirectory(st.directory())) {
                throw new IOException("ingest.ifos." + ifo.ifo() + ".streams." + st.name() + ": directory "
                        + st.directory() + " does not exist");
            }
            listed[s] = list(st.directory(), st.prefix());
        }
        long start = startOf(listed);
        IngestCounters counters = new IngestCounters(ifo.ifo());
        FrameRing ring = new FrameRing(ifo, config.ringSize(), counters);
        StreamWatcher[] watchers = new StreamWatcher[n];
        try {
            for (int s = 0; s < n; s++) {
                StreamSpec st = ifo.streams().get(s);
                long newest = listed[s].length == 0 ? -1 : listed[s][listed[s].length - 1];
                long floor = start < 0 ? newest : Math.max(start - 1, newest);
                watchers[s] = new StreamWatcher(st.directory(), st.prefix(), config.watchMode(), config.pollIntervalMs(), floor);
            }
        } catch (IOException | RuntimeException e) {
            for (StreamWatcher w : watchers) {
                if (w != null) {
                    w.close();
                }
            }
            throw e;
        }
        MappedFrameFiles files = new MappedFrameFiles(watchers, config.readMode(), config.maxFileBytes());
        FrameAssembler assembler = new FrameAssembler(ifo, config, files, counters, clock, ring);
        Unit u = new Unit(ifo, counters, ring, watchers, files, assembler);
        if (start >= 0) {
            assembler.startAt(start);
        }
        // the backlog present at start-up, in GPS order across streams
        for (int s = 0; s < n; s++) {
            for (long g : listed[s]) {
                if (start >= 0 && g >= start) {
                    u.enqueue(s, g, 1, Long.MIN_VALUE);
                }
            }
        }
        sortQueue(u);
        u.catchingUp = u.queueTail > 0;
        StringBuilder sb = new StringBuilder(ifo.ifo()).append(": starting at ")
                .append(start < 0 ? "the first file to arrive" : "GPS " + start)
                .append(" (").append(config.start().name().toLowerCase(java.util.Locale.ROOT)).append(")")
                .append(", ").append(u.queueTail).append(" file(s) already present to catch up on;");
        for (StreamWatcher w : watchers) {
            sb.append(' ').append(w.directory()).append(" by ").append(w.mode() == StreamWatcher.Mode.INOTIFY
                    ? "inotify" : "polling every " + config.pollIntervalMs() + " ms (" + w.fallbackReason() + ")");
        }
        sb.append("; files read by ").append(files.nativeCalls() ? config.readMode().name().toLowerCase(java.util.Locale.ROOT) : "java.nio");
        LOG.log(System.Logger.Level.INFO, sb.toString());
        return u;
    }

    private static void sortQueue(Unit u) {
        int n = u.queueTail;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = u.queueGps[i] * 64 + u.queueStream[i];
        }
        Arrays.sort(keys);
        for (int i = 0; i < n; i++) {
            u.queueGps[i] = keys[i] / 64;
            u.queueStream[i] = (int) (keys[i] % 64);
            u.queueDuration[i] = 1;
        }
    }

    private long startOf(long[][] listed) {
        switch (config.start()) {
            case GPS:
                return config.startGps();
            case OLDEST: {
                long oldest = Long.MAX_VALUE;
                for (long[] l : listed) {
                    if (l.length > 0) {
                        oldest = Math.min(oldest, l[0]);
                    }
                }
                return oldest == Long.MAX_VALUE ? -1 : oldest;
            }
            default: {
                long newest = -1;
                for (long[] l : listed) {
                    if (l.length > 0) {
                        newest = Math.max(newest, l[l.length - 1]);
                    }
                }
                return newest;
            }
        }
    }

    /** GPS seconds of the 1-s frame files of a stream directory, sorted. */
    static long[] list(Path dir, String prefix) throws IOException {
        long[] found = new long[16];
        int count = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, prefix + "-*.gwf")) {
            for (Path p : ds) {
                long parsed = FrameFileName.parse(p.getFileName().toString(), prefix);
                if (parsed < 0 || FrameFileName.duration(parsed) != 1) {
                    continue;
                }
                if (count == found.length) {
                    found = Arrays.copyOf(found, count * 2);
                }
                found[count++] = FrameFileName.gps(parsed);
            }
        }
        long[] r = Arrays.copyOf(found, count);
        Arrays.sort(r);
        return r;
    }

    public IngestConfig config() {
        return config;
    }

    /** The configured IFOs, in order. */
    public List<String> ifos() {
        return new ArrayList<>(byIfo.keySet());
    }

    private Unit unit(String ifo) {
        Unit u = byIfo.get(ifo);
        if (u == null) {
            throw new IllegalArgumentException("no IFO '" + ifo + "' in the ingest configuration (have " + byIfo.keySet() + ")");
        }
        return u;
    }

    /** The ring of an IFO (add consumers before {@link #start()}). */
    public FrameRing ring(String ifo) {
        return unit(ifo).ring;
    }

    public IngestCounters counters(String ifo) {
        return unit(ifo).counters;
    }

    /** The watchers of an IFO's streams, in stream order (modes, fallback reasons). */
    public List<StreamWatcher> watchers(String ifo) {
        return List.of(unit(ifo).watchers);
    }

    /** The next second an IFO will hand on, or -1 before its first file (read from the ingest thread, or after close). */
    public long nextGps(String ifo) {
        return unit(ifo).assembler.nextGps();
    }

    /**
     * The newest GPS second of {@code ifo} with a file waiting to be read (present at start-up, or
     * held while the ring was full) or read since; {@code Long.MIN_VALUE} if none has waited. Such a
     * second will be handed on without more input, only later; a join waiting for this IFO should
     * wait for it. Safe from any thread.
     */
    public long newestWaitingGps(String ifo) {
        return unit(ifo).newestQueued;
    }

    /** The first ingest thread, once started (with one IFO, or one thread for all: the ingest thread). */
    public Thread thread() {
        return loops[0].thread;
    }

    /** The ingest threads, once started (empty before): one per IFO, or one for all. */
    public List<Thread> threads() {
        List<Thread> t = new ArrayList<>();
        for (Loop l : loops) {
            if (l.thread != null) {
                t.add(l.thread);
            }
        }
        return t;
    }

    /**
     * Where the ingest threads and the rings' consumers run (before {@link #start()}): each pins
     * itself by its name, {@code strainline-<IFO>-ingest} (or {@code strainline-ingest}, one
     * thread for all) and {@code strainline-<IFO>-consumer-N}.
     */
    public void place(ThreadPlacement p) {
        placement = p;
        for (Unit u : units) {
            u.ring.place(p);
        }
    }

    /** Starts the rings' consumers and the ingest threads. */
    public synchronized void start() {
        if (started || closed) {
            throw new IllegalStateException(closed ? "ingest closed" : "ingest already started");
        }
        started = true;
        for (Unit u : units) {
            u.ring.start();
        }
        running = true;
        ThreadPlacement p = placement;
        for (Loop l : loops) {
            l.start(p);
        }
    }

    /**
     * One ingest thread's loop over its IFOs: one {@code poll(2)} over their watchers' inotify
     * descriptors and an eventfd that {@link #close()} writes.
     */
    private final class Loop {
        final String name;
        final Unit[] units;
        final Memory pollFds;
        final int pollFdCount;
        /** An eventfd in {@link #pollFds} (the last entry) that {@link #close()} writes to wake the thread; -1 without libc. */
        final int wakeFd;
        final Memory wakeBuf = new Memory(8);
        final Memory wakeSignal = new Memory(8);
        final boolean anyPolling;
        Thread thread;
        /** nanoTime of the thread's latest pass through its loop (for a watchdog). */
        volatile long heartbeatNs;

        Loop(String name, Unit[] units) {
            this.name = name;
            this.units = units;
            List<Integer> fds = new ArrayList<>();
            boolean polling = false;
            for (Unit u : units) {
                for (StreamWatcher w : u.watchers) {
                    if (w.inotifyFd() >= 0) {
                        fds.add(w.inotifyFd());
                    } else {
                        polling = true;
                    }
                }
            }
            int wake = -1;
            if (!fds.isEmpty()) {
                wake = LibC.eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
                if (wake >= 0) {
                    fds.add(wake);
                }
            }
            this.wakeFd = wake;
            this.anyPolling = polling;
            this.pollFdCount = fds.size();
            this.pollFds = new Memory(8L * Math.max(1, fds.size()));
            for (int i = 0; i < fds.size(); i++) {
                pollFds.setInt(8L * i, fds.get(i));
                pollFds.setShort(8L * i + 4, LibC.POLLIN);
                pollFds.setShort(8L * i + 6, (short) 0);
            }
        }

        void start(ThreadPlacement p) {
            heartbeatNs = System.nanoTime();
            thread = new Thread(() -> {
                BackgroundThreads.markDataPath();
                p.enter();
                run();
            }, name);
            thread.start();
        }

        private void run() {
            try {
                while (running) {
                    heartbeatNs = System.nanoTime();
                    if (doWork(units) == 0) {
                        await(waitMs());
                    }
                }
            } finally {
                flushAll(units);
            }
        }

        /** How long the thread may wait for files before something is due. */
        private int waitMs() {
            long now = clock.nanoTime();
            long wait = MAX_WAIT_MS;
            for (Unit u : units) {
                long d = u.assembler.nextDeadlineNs();
                if (d != Long.MAX_VALUE) {
                    wait = Math.min(wait, Math.max(0, (d - now + 999_999) / 1_000_000));
                }
                if (u.queueHead < u.queueTail || u.assembler.waitingForRoom()) {
                    wait = Math.min(wait, 1);    // files or seconds waiting for room in the ring
                }
                for (StreamWatcher w : u.watchers) {
                    if (w.directoryLost()) {
                        wait = Math.min(wait, config.pollIntervalMs());
                    }
                }
            }
            if (anyPolling) {
                wait = Math.min(wait, config.pollIntervalMs());
            }
            return (int) wait;
        }

        private void await(int timeoutMs) {
            if (timeoutMs <= 0) {
                return;
            }
            if (pollFdCount > 0) {
                if (LibC.poll(pollFds, pollFdCount, wakeFd >= 0 ? timeoutMs : Math.min(timeoutMs, 100)) > 0 && wakeFd >= 0) {
                    LibC.read(wakeFd, wakeBuf, 8);   // a wake-up from close(): clear it
                }
            } else {
                try {
                    Thread.sleep(timeoutMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
        }

        /** Asks the thread to stop and waits for it (it hands on what it holds first). */
        void stop() {
            if (thread != null) {
                if (wakeFd >= 0) {
                    wakeSignal.setLong(0, 1);
                    LibC.write(wakeFd, wakeSignal, 8);
                }
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        void release() {
            if (wakeFd >= 0) {
                LibC.close(wakeFd);
            }
        }

        String stalled(long nowNs, long maxSilenceNs) {
            Thread t = thread;
            if (t == null) {
                return null;
            }
            if (!t.isAlive()) {
                return "the ingest thread " + name + " has ended";
            }
            long age = nowNs - heartbeatNs;
            return age > maxSilenceNs ? "the ingest thread " + name + " has not gone round its loop for " + age / 1_000_000 + " ms" : null;
        }
    }

    /**
     * One round over every IFO, on the calling thread (for tests that drive the ingest by hand,
     * without {@link #start()}): see {@link #doWork(Unit[])}.
     */
    public int doWork() {
        return doWork(units);
    }

    /**
     * One round: drains every watcher, feeds the catch-up queues as far as the rings have room,
     * and lets every assembler retry and hand on what is due. Returns the work done (0: idle).
     */
    private int doWork(Unit[] units) {
        int work = 0;
        long now = clock.nanoTime();
        for (Unit u : units) {
            try {
                for (int s = 0; s < u.watchers.length; s++) {
                    work += u.watchers[s].drain(u.listeners[s]);
                }
                work += feed(u, now);
                work += u.assembler.doWork(now);
                syncWatcherCounters(u);
            } catch (RuntimeException e) {
                u.counters.increment(IngestCounter.INGEST_ERRORS);
                LOG.log(System.Logger.Level.ERROR, u.spec.ifo() + ": unexpected error in the ingest loop (it goes on)", e);
            }
        }
        return work;
    }

    /**
     * Feeds queued files while the ring has room; ends catch-up (or holding) when the queue is
     * empty. A file that waited keeps the time it was seen (its latency counts the wait).
     */
    private int feed(Unit u, long now) {
        int n = 0;
        while (u.queueHead < u.queueTail && (u.ring.hasRoom() || u.assembler.holds(u.queueGps[u.queueHead]))) {
            int i = u.queueHead++;
            long seen = u.queueDetected[i];
            u.assembler.onFile(u.queueStream[i], u.queueGps[i], u.queueDuration[i], seen == Long.MIN_VALUE ? now : seen);
            n++;
        }
        if (u.queueHead == u.queueTail) {
            u.queueHead = 0;
            u.queueTail = 0;
            if (u.catchingUp) {
                u.catchingUp = false;
                LOG.log(System.Logger.Level.INFO, u.spec.ifo() + ": caught up with the files present at start-up");
            }
            if (u.holding) {
                u.holding = false;
                if (u.holdLogged) {
                    LOG.log(System.Logger.Level.INFO, u.spec.ifo() + ": the ring has room again; every file that waited was read");
                }
            }
        }
        return n;
    }

    private void syncWatcherCounters(Unit u) {
        long ignored = 0;
        long refused = 0;
        long overflows = 0;
        for (StreamWatcher w : u.watchers) {
            ignored += w.ignored();
            refused += w.refused();
            overflows += w.overflows();
        }
        u.counters.add(IngestCounter.FILES_IGNORED, ignored - u.watcherIgnored);
        u.counters.add(IngestCounter.FILES_REFUSED, refused - u.watcherRefused);
        u.counters.add(IngestCounter.INOTIFY_OVERFLOWS, overflows - u.watcherOverflows);
        u.watcherIgnored = ignored;
        u.watcherRefused = refused;
        u.watcherOverflows = overflows;
    }

    private void flushAll(Unit[] units) {
        long now = clock.nanoTime();
        for (Unit u : units) {
            try {
                for (int s = 0; s < u.watchers.length; s++) {
                    u.watchers[s].drain(u.listeners[s]);
                }
                // files waiting (the start-up catch-up, or held while the ring was full) go in while the
                // ring has room; the rest were never started, and stay unread for the next run (which
                // resumes after what was published) rather than be decoded only to find the ring full
                feed(u, now);
                if (u.queueHead < u.queueTail) {
                    LOG.log(System.Logger.Level.INFO, u.spec.ifo() + ": stopping with " + (u.queueTail - u.queueHead)
                            + " file(s) waiting for the ring not yet read (GPS " + u.queueGps[u.queueHead] + " on); a run"
                            + " started again resumes after the last second published");
                    u.queueHead = u.queueTail;
                }
                u.assembler.flush(now);
                syncWatcherCounters(u);
            } catch (RuntimeException e) {
                u.counters.increment(IngestCounter.INGEST_ERRORS);
                LOG.log(System.Logger.Level.ERROR, u.spec.ifo() + ": error while handing on the last seconds", e);
            }
        }
    }

    /**
     * Stops: the ingest thread hands on every second it holds (missing partners flagged), the
     * consumers get up to 5 s to finish, and everything is released. Idempotent.
     */
    @Override
    public void close() {
        close(5_000);
    }

    /**
     * Stops as {@link #close()}, giving the consumers up to {@code drainMs} to finish the seconds
     * in their rings; then {@link #consumersExited()} says whether it is safe to release what they
     * use (engines, buffers).
     */
    public synchronized void close(long drainMs) {
        if (closed) {
            return;
        }
        closed = true;
        if (started) {
            running = false;
            for (Loop l : loops) {
                l.stop();
            }
        } else {
            flushAll(units);
        }
        for (Unit u : units) {
            if (!u.ring.stop(drainMs)) {
                LOG.log(System.Logger.Level.WARNING, u.spec.ifo() + ": ring consumers did not finish within " + drainMs
                        + " ms; halted with seconds left in the ring");
            }
            release(u);
        }
        for (Loop l : loops) {
            l.release();
        }
        LOG.log(System.Logger.Level.INFO, "ingest stopped: " + summary());
    }

    /**
     * For a watchdog: null while every ingest thread is alive and going round its loop (each does
     * at least once per poll timeout), else what is wrong (the first thread found wrong).
     */
    public String stalled(long nowNs, long maxSilenceNs) {
        if (closed) {
            return null;
        }
        for (Loop l : loops) {
            String why = l.stalled(nowNs, maxSilenceNs);
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    /** Whether every ring consumer thread has left its handler (after {@link #close}). */
    public boolean consumersExited() {
        for (Unit u : units) {
            if (!u.ring.consumersExited()) {
                return false;
            }
        }
        return true;
    }

    private static void release(Unit u) {
        for (StreamWatcher w : u.watchers) {
            w.close();
        }
        u.files.release();
    }

    /** One line per IFO with its non-zero counters. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        for (Unit u : units) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(u.counters);
        }
        return sb.toString();
    }
}
