package dev.camelmsnftp.benchmarks;

import java.nio.file.Path;
import java.util.List;

/** Sends small files one at a time (the producer alone, no file: consumer) to where they can be checked. */
interface FileSender extends AutoCloseable {

    String name();

    /** Sends one file; returns when the producer (or the copy) returns. */
    void send(Path file) throws Exception;

    /** Waits until every one of {@code files} has arrived complete at the other end. */
    void awaitArrivals(List<Path> files) throws Exception;

    /** Forgets arrivals seen so far. */
    void clearArrivals();

    /** Where the copies are. */
    Path received();

    @Override
    default void close() throws Exception {
    }
}
