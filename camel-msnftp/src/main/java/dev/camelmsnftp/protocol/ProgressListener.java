package dev.camelmsnftp.protocol;

/** Told how far a transfer is, once per chunk of up to 32 blocks (about 64 KiB). Must be quick. */
@FunctionalInterface
public interface ProgressListener {

    /** Does nothing. */
    ProgressListener NONE = (transferred, total) -> {
    };

    void onProgress(long transferred, long total);
}
