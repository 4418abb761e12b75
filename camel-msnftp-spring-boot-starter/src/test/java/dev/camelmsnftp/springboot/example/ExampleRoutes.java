package dev.camelmsnftp.springboot.example;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Two routes: bob receives with the component's settings; alice sends, overriding the identity and SIP port in her
 * endpoint URI (both users share the component's other settings).
 */
@Component
public class ExampleRoutes extends RouteBuilder {

    @Override
    public void configure() {
        from("file:{{example.outbox}}?delete=true").routeId("alice-sends")
                .to("msnftp:bob@127.0.0.1:{{example.bob-port}}?identity=alice@corp.example&sipPort={{example.alice-port}}");

        from("msnftp:*").routeId("bob-receives")
                .log("Received ${header.CamelFileName} (${header.CamelFileLength} bytes) from ${header.CamelMsnftpRemoteUser},"
                     + " encrypted: ${header.CamelMsnftpEncrypted}")
                .to("file:{{example.inbox}}");
    }
}
