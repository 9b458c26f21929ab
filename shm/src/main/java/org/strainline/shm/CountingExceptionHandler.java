package org.strainline.shm;

import com.lmax.disruptor.ExceptionHandler;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exception handler of every ring consumer: an exception thrown while handling a second is
 * counted ({@link IngestCounter#CONSUMER_EXCEPTIONS}) and logged (the first of each exception class
 * with its stack trace, later ones not), and the consumer carries on with the next second instead
 * of dying. Thread safe.
 */
public final class CountingExceptionHandler implements ExceptionHandler<FrameEvent> {
    private static final System.Logger LOG = System.getLogger(CountingExceptionHandler.class.getName());

    private final String ifo;
    private final IngestCounters counters;
    private final Set<Class<?>> logged = ConcurrentHashMap.newKeySet();

    public CountingExceptionHandler(String ifo, IngestCounters counters) {
        this.ifo = ifo;
        this.counters = counters;
    }

    @Override
    public void handleEventException(Throwable ex, long sequence, FrameEvent event) {
        counters.increment(IngestCounter.CONSUMER_EXCEPTIONS);
        if (logged.add(ex.getClass())) {
            LOG.log(System.Logger.Level.ERROR, ifo + " ring consumer failed on GPS " + (event == null ? -1 : event.gpsS())
                    + " (sequence " + sequence + "); it goes on with the next second; further "
                    + ex.getClass().getName() + "s are counted, not logged", ex);
        }
    }

    @Override
    public void handleOnStartException(Throwable ex) {
        counters.increment(IngestCounter.CONSUMER_EXCEPTIONS);
        LOG.log(System.Logger.Level.ERROR, ifo + " ring consumer failed to start", ex);
    }

    @Override
    public void handleOnShutdownException(Throwable ex) {
        counters.increment(IngestCounter.CONSUMER_EXCEPTIONS);
        LOG.log(System.Logger.Level.ERROR, ifo + " ring consumer failed to shut down", ex);
    }
}
