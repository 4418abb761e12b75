package dev.camelmsnftp.component;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Properties;

import dev.camelmsnftp.transfer.ReceivedFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a received file goes when its exchange failed (option {@code moveFailed}): never deleted, but moved to the
 * failed folder (by default {@code <workDir>/.failed}) under its plain name, or kept in the work directory itself
 * under its plain name when moveFailed is off (never under its temporary name, which the work directory's clean-up at
 * start takes for an orphan); either way with a sidecar {@code .<name>.headers} (a hidden file, which a {@code file:}
 * consumer replaying the folder skips) holding the headers its exchange had and why it failed.
 */
final class FailedFiles {

    private static final Logger LOG = LoggerFactory.getLogger(FailedFiles.class);
    /** The sidecar of {@code name}: hidden, so a file: route replaying the folder does not take it for a file. */
    static final String SIDECAR_PREFIX = ".";
    static final String SIDECAR_SUFFIX = ".headers";

    /** Where failed files go: the moveFailed folder, or the work directory itself. */
    private final Path folder;

    FailedFiles(Path folder) {
        this.folder = folder;
    }

    /**
     * The moveFailed option resolved: {@code false} or empty keeps failed files in place, a relative path is resolved
     * against the work directory.
     */
    static FailedFiles of(String moveFailed, Path workDir) {
        if (moveFailed == null || moveFailed.isBlank() || moveFailed.trim().equalsIgnoreCase("false")) {
            return new FailedFiles(workDir);
        }
        return new FailedFiles(workDir.resolve(moveFailed.trim()).normalize());
    }

    /** Keeps {@code file}, whose exchange failed for {@code failure}; returns where it is now (null if it is gone). */
    Path keep(ReceivedFile file, Throwable failure, String routeId) {
        Path now = file.path();
        if (!Files.exists(now)) {
            LOG.info("File {} from {} failed after its route had already moved it away", file.fileName(),
                    file.sender().addressOfRecord());
            return null;
        }
        try {
            Files.createDirectories(folder);
            now = Files.move(now, freeName(folder, file.fileName(), file.cookie()));
            writeSidecar(file, now, failure, routeId);
            LOG.warn("File {} from {} was not delivered and is kept as {} (headers in {}{}{})", file.fileName(),
                    file.sender().addressOfRecord(), now, SIDECAR_PREFIX, now.getFileName(), SIDECAR_SUFFIX);
        } catch (IOException | RuntimeException e) {
            LOG.error("File {} from {} was not delivered and could not be moved to {}: it stays as {} ({})",
                    file.fileName(), file.sender().addressOfRecord(), folder, now, e.toString());
        }
        return now;
    }

    /** {@code name}, or {@code name} with the cookie before its extension when taken, or with a counter after that. */
    private static Path freeName(Path folder, String name, long cookie) {
        Path target = folder.resolve(name);
        if (!Files.exists(target)) {
            return target;
        }
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 ? name.substring(dot) : "";
        target = folder.resolve(base + "." + cookie + extension);
        for (int i = 2; Files.exists(target); i++) {
            target = folder.resolve(base + "." + cookie + "-" + i + extension);
        }
        return target;
    }

    private static void writeSidecar(ReceivedFile file, Path kept, Throwable failure, String routeId) throws IOException {
        Properties headers = new Properties();
        headers.setProperty(MsnftpConstants.INVITATION_COOKIE, Long.toString(file.cookie()));
        headers.setProperty(MsnftpConstants.FILE_NAME, file.fileName());
        headers.setProperty(MsnftpConstants.ORIGINAL_FILE_NAME, file.offeredName());
        headers.setProperty(MsnftpConstants.FILE_LENGTH, Long.toString(file.size()));
        headers.setProperty(MsnftpConstants.REMOTE_USER, file.sender().addressOfRecord());
        headers.setProperty(MsnftpConstants.ENCRYPTED, Boolean.toString(file.encrypted()));
        headers.setProperty(MsnftpConstants.FLOW, file.flow().name());
        headers.setProperty(MsnftpConstants.BYE_CODE, Long.toString(file.byeCode()));
        headers.setProperty("failedAt", Instant.now().toString());
        if (routeId != null) {
            headers.setProperty("routeId", routeId);
        }
        if (failure != null) {
            headers.setProperty("failure", failure.getClass().getName() + ": " + failure.getMessage());
        }
        Path sidecar = sidecarOf(kept);
        Path part = sidecar.resolveSibling(sidecar.getFileName() + ".part");
        try (Writer out = Files.newBufferedWriter(part, StandardCharsets.UTF_8)) {
            headers.store(out, "camel-msnftp: the headers of a received file whose exchange failed");
        }
        Files.move(part, sidecar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The sidecar of a kept file. */
    static Path sidecarOf(Path kept) {
        return kept.resolveSibling(SIDECAR_PREFIX + kept.getFileName() + SIDECAR_SUFFIX);
    }
}
