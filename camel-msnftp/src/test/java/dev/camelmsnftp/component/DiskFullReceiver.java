package dev.camelmsnftp.component;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Bob and carol in a process of their own, for {@link MsnftpDiskFullTest}: consumers started under a file size limit
 * ({@code ulimit -f}) so that their disk is "full" after a few hundred KiB; bob answers flows A and B, carol always
 * offers to listen (flow C). Prints {@code READY} once they listen, {@code RECEIVED} for each file delivered, and
 * ends when its standard input closes. Arguments: bob's SIP port, carol's SIP port, work directory.
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
                         + "&ftpHost=127.0.0.1&acceptTimeout=5s&transferTimeout=5s&workDir=" + args[2] + "/bob")
                            .process(exchange -> System.out.println("RECEIVED"));
                    from("msnftp:*?localUser=carol@corp.example&sipHost=127.0.0.1&sipPort=" + args[1]
                         + "&ftpHost=127.0.0.1&acceptTimeout=5s&transferTimeout=5s&alwaysListen=true&workDir=" + args[2]
                         + "/carol")
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
