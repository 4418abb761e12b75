package dev.camelmsnftp.component;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.camelmsnftp.transfer.TransferFailedException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a failing receiving route leads to, as camel-file and camel-ftp users expect it: the route's error handler sees
 * the exchange once, the sender learns the receiver's BYE code, and a file no exchange could own is not left behind.
 */
class MsnftpConsumerErrorHandlingTest extends MsnftpTestSupport {

    /** An idempotent repository that is down (a JDBC one whose database is unreachable). */
    static final class BrokenRepository extends MemoryIdempotentRepository {
        @Override
        public boolean add(String key) {
            throw new IllegalStateException("the repository is down");
        }
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getRegistry().bind("broken", new BrokenRepository());
        return context;
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // bob hands transfer failures to the route's error handler; his route fails
                from(bobReceives("*", "bridgeErrorHandler=true")).routeId("bob")
                        .onException(IllegalStateException.class).to("mock:errors").end()
                        .process(exchange -> {
                            throw new IllegalStateException("the route failed");
                        });
                // carol deduplicates on the content, with a repository that is down
                from(carolReceives("idempotent=true&idempotentKey=RAW(${bodyAs(String)})&idempotentRepository=#broken"))
                        .routeId("carol").to("mock:carol");
            }
        };
    }

    /**
     * camel-file hands a failed exchange to the route's error handler once; with bridgeErrorHandler=true, handing the
     * already failed exchange to the consumer's exception handler as well would bridge it through the route's error
     * handler a second time (with the body replaced by a text).
     */
    @Test
    void aFailedExchangeReachesTheRoutesErrorHandlerOnceWithBridgeErrorHandler() throws Exception {
        MockEndpoint errors = getMockEndpoint("mock:errors");
        Exchange sent = template.send(toBob(""), exchange -> {
            exchange.getIn().setBody("x");
            exchange.getIn().setHeader(Exchange.FILE_NAME, "once.txt");
        });
        assertThat(sent.getException()).isInstanceOf(TransferFailedException.class);
        errors.assertIsSatisfied(2_000);
        assertThat(errors.getReceivedExchanges()).extracting(e -> e.getIn().getBody() == null
                ? "null" : e.getIn().getBody().getClass().getSimpleName()).as("bodies seen by onException")
                .containsExactly("File");
    }

    /** SPEC 5: CamelMsnftpByeCode on the producer is the BYE code the receiver sent; also when it is a failure code. */
    @Test
    void theFailureByeCodeIsInTheProducersHeader() {
        Exchange sent = template.send(toBob(""), exchange -> {
            exchange.getIn().setBody("x");
            exchange.getIn().setHeader(Exchange.FILE_NAME, "bye.txt");
        });
        assertThat(sent.getException()).isInstanceOf(TransferFailedException.class);
        assertThat(((TransferFailedException) sent.getException()).byeCode()).hasValue(2147500037L);
        assertThat(sent.getIn().getHeader(MsnftpConstants.BYE_CODE)).as("CamelMsnftpByeCode").isEqualTo(2147500037L);
    }

    /**
     * A received file is deleted when its exchange completes or kept as a failed file (moveFailed); also when the
     * consumer fails before the exchange is routed (the idempotent repository is down): not left as a .part file in
     * workDir, which the next start would delete as an orphan.
     */
    @Test
    void aFileIsKeptAsFailedWhenTheIdempotentRepositoryFails() throws Exception {
        Exchange sent = template.send(alice("sip:carol@127.0.0.1:" + CAROL_PORT, ""), exchange -> {
            exchange.getIn().setBody("some content");
            exchange.getIn().setHeader(Exchange.FILE_NAME, "dedup.txt");
        });
        assertThat(sent.getException()).as("not delivered").isNotNull();
        Path carol = work.resolve("carol");
        List<String> left;
        try (Stream<Path> files = Files.list(carol)) {
            left = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".part")).toList();
        }
        assertThat(left).as("partial/temporary files left in carol's workDir").isEmpty();
        List<Path> kept;
        try (Stream<Path> files = Files.walk(carol)) {
            kept = files.filter(p -> p.getFileName().toString().equals("dedup.txt")).toList();
        }
        assertThat(kept).as("the file kept as a failed one, under its own name").hasSize(1);
        assertThat(Files.readString(kept.get(0))).isEqualTo("some content");
    }
}
