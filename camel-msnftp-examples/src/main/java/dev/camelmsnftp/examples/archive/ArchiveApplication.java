package dev.camelmsnftp.examples.archive;

import org.apache.camel.main.Main;

/** Runs {@link ArchiveRoutes} with Camel Main until stopped; settings come from {@code application.properties}. */
public final class ArchiveApplication {

    private ArchiveApplication() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        main.configure().addRoutesBuilder(new ArchiveRoutes());
        main.run(args);
    }
}
