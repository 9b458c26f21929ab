package org.strainline.daemon;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * Watches the model directories of the repository ({@code <root>/<name>/} and each version
 * directory in them) through the file system's watch service (inotify on Linux) and calls
 * {@code rescan} on its own thread once the files have been quiet for the settle time: a version
 * copied in file by file is looked at when the copy is done, one renamed into place at once.
 * {@link #trigger} (SIGHUP) asks for a rescan now. The thread sleeps between events (a one-second
 * timed wait), so an idle watcher costs nothing to speak of.
 */
final class ModelWatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ModelWatcher.class.getName());

    private final WatchService ws;
    private final long settleNs;
    private final Runnable rescan;
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean triggered;

    ModelWatcher(Path root, Collection<String> models, double settleS, Runnable rescan) throws IOException {
        this.ws = root.getFileSystem().newWatchService();
        this.settleNs = (long) (settleS * 1e9);
        this.rescan = rescan;
        for (String m : models) {
            Path d = root.resolve(m);
            register(d);
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
                for (Path v : ds) {
                    if (Files.isDirectory(v)) {
                        register(v);
                    }
                }
            }
        }
        this.thread = new Thread(this::loop, "strainline-models");
        thread.setDaemon(true);
        thread.start();
    }

    private void register(Path dir) throws IOException {
        dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                StandardWatchEventKinds.ENTRY_MODIFY);
    }

    /** A rescan now (SIGHUP), whatever the files did. */
    void trigger() {
        triggered = true;   // seen within a second
    }

    private void loop() {
        boolean pending = false;
        long last = 0;
        while (!closed) {
            try {
                long wait = pending ? Math.max(1, (last + settleNs - System.nanoTime()) / 1_000_000L) : 1000;
                WatchKey k = ws.poll(Math.min(wait, 1000), TimeUnit.MILLISECONDS);
                if (k != null) {
                    Path dir = (Path) k.watchable();
                    for (WatchEvent<?> e : k.pollEvents()) {
                        if (e.kind() == StandardWatchEventKinds.ENTRY_CREATE) {
                            Path p = dir.resolve((Path) e.context());
                            if (Files.isDirectory(p)) {
                                try {
                                    register(p);   // a new version directory: see its files arrive too
                                } catch (IOException ex) {
                                    LOG.log(System.Logger.Level.WARNING, "models: cannot watch " + p + ": " + ex.getMessage());
                                }
                            }
                        }
                    }
                    k.reset();
                    pending = true;
                    last = System.nanoTime();
                }
                boolean now = triggered;
                if (now || (pending && System.nanoTime() - last >= settleNs)) {
                    triggered = false;
                    pending = false;
                    try {
                        rescan.run();
                    } catch (RuntimeException ex) {
                        LOG.log(System.Logger.Level.ERROR, "models: rescan failed: " + ex, ex);
                    }
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            ws.close();
        } catch (IOException ignored) {
            // closing
        }
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
