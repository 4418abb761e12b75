package dev.camelmsnftp.component;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Bob in a process of his own, for {@link MsnftpDiskFullTest}: a consumer that writes to a sink, started under a file
 * size limit ({@code ulimit -f}) so that his disk is "full" after a few hundred KiB. Prints {@code READY} once it
 * listens, {@code RECEIVED} for each file it delivers, and ends when its standard input closes.
 * Arguments: SIP port, work directory.
 */
public final class DiskFullReceiver {

    private DiskFullReceiver() {
    }

    public static void main(String[] args) throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("msnftp:*?localUser=bob@corp.example&sipHost=127.0.0.1&sipPort=" + args[0]
                         + "&ftpHost=127.0.0.1&acceptTimeout=5s&transferTimeout=5s&workDir=" + args[1])
                            .process(exchange -> System.out.println("RECEIVED"));
                }
            });
            camel.start();
            System.out.println("READY");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                // until the test closes our input
            }
        }
    }
}
