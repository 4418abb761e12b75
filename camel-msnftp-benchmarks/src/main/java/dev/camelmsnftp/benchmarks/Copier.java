package dev.camelmsnftp.benchmarks;

import java.nio.file.Path;

/** One way of moving a file's bytes from one place to another over loopback: one file, one connection. */
interface Copier extends AutoCloseable {

    String name();

    /** Copies {@code source} to {@code target}; returns when the target is complete. */
    void copy(Path source, Path target) throws Exception;

    @Override
    default void close() throws Exception {
    }
}
