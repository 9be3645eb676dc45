package io.berth.pipeline.internal;

import java.util.Comparator;
import java.util.PriorityQueue;

/** The registry's timed tasks, run when the test moves the clock: what is due runs, in order of time. */
final class ManualScheduler implements PipelineRegistry.Scheduler {

    private record Task(long due, long order, Runnable task) {
    }

    private final PriorityQueue<Task> tasks = new PriorityQueue<>(
            Comparator.comparingLong(Task::due).thenComparingLong(Task::order));
    private long now;
    private long scheduled;

    @Override
    public synchronized void schedule(Runnable task, long delayMillis) {
        tasks.add(new Task(now + delayMillis, scheduled++, task));
    }

    /** Runs the tasks due now, those they schedule for now included. */
    void runDue() {
        advance(0);
    }

    /** Moves the clock on, running every task that falls due on the way, at its time. */
    void advance(long millis) {
        long until = now + millis;
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due > until) {
                    now = until;
                    return;
                }
                tasks.poll();
                now = Math.max(now, next.due);
            }
            next.task.run();
        }
    }

    synchronized long now() {
        return now;
    }
}
