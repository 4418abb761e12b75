package dev.camelmsnftp.component;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.camelmsnftp.protocol.Dialect;
import dev.camelmsnftp.sip.SipMode;
import dev.camelmsnftp.testsupport.FreePorts;
import dev.camelmsnftp.transfer.Flow;
import dev.camelmsnftp.transfer.TransferException.Phase;
import dev.camelmsnftp.transfer.TransferRejectedException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a consumer accepts is decided before its ACCEPT, through real endpoints: each refusal reaches the producer as
 * {@link TransferRejectedException} with the Cancel-Code it saw, and no byte of a refused file crosses the network.
 */
class MsnftpAcceptPolicyTest extends MsnftpTestSupport {

    static final int DORA_PORT = FreePorts.udpAndTcp();
    static final int GAIL_PORT = FreePorts.udpAndTcp();
    static final int IVY_PORT = FreePorts.udpAndTcp();
    static final int ERIN_PORT = FreePorts.udpAndTcp();
    static final int FRANK_PORT = FreePorts.udpAndTcp();
    static final int HANK_PORT = FreePorts.udpAndTcp();
    static final int JACK_PORT = FreePorts.udpAndTcp();
    static final int KATE_PORT = FreePorts.udpAndTcp();
    static final int LIAM_PORT = FreePorts.udpAndTcp();
    static final int MIA_PORT = FreePorts.udpAndTcp();
    static final int NED_PORT = FreePorts.udpAndTcp();

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        Files.createDirectories(work);
        context.getRegistry().bind("fileRepo", FileIdempotentRepository.fileIdempotentRepository(keys().toFile()));
        return context;
    }

    static Path keys() {
        return work.resolve("kate-keys.dat");
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(bobReceives("*", "maxFileSize=5MB")).routeId("bob").to("mock:bob");
                // gail: anyone at corp.example and erin at partner.example; alice in particular goes to a route of her own
                from(uri("*", "gail", GAIL_PORT, "allowedSenders=erin@partner.example, *@CORP.example"))
                        .convertBodyTo(String.class).to("mock:gailAllowed");
                from(uri("alice@corp.example", "gail", GAIL_PORT, "")).to("mock:gailAlice");
                // ivy: spreadsheets and PDFs, but no drafts
                from(uri("*", "jack", JACK_PORT, "idempotent=true")).to("mock:jack");
                from(uri("*", "kate", KATE_PORT, "idempotent=true&idempotentRepository=#fileRepo")).to("mock:kate");
                from(uri("*", "liam", LIAM_PORT, "idempotent=true&idempotentKey=RAW(${header.CamelFileLength}:${bodyAs(String)})")).to("mock:liam");
                from(uri("*", "ivy", IVY_PORT, "include=RAW{.*\\.(pdf|csv)}&exclude=RAW{draft-.*}")).to("mock:ivy");
                // mia: every policy at once; ned never has room
                from(uri("*", "mia", MIA_PORT, "allowedSenders=*@corp.example&include=RAW{.*\\.txt}&maxFileSize=100"
                                               + "&idempotent=true")).to("mock:mia");
                from(uri("*", "ned", NED_PORT, "freeSpaceReserve=1000000TB")).to("mock:ned");
            }
        };
    }

    private Exchange send(String uri, Object body, String name) {
        return template.send(uri, exchange -> {
            exchange.getIn().setBody(body);
            exchange.getIn().setHeader(Exchange.FILE_NAME, name);
        });
    }

    static void assertRejected(Exchange sent, String cancelCode) {
        assertThat(sent.getException()).isInstanceOfSatisfying(TransferRejectedException.class, e -> {
            assertThat(e.cancelCode()).contains(cancelCode);
            assertThat(e.phase()).as("declined in answer to the offer: no connection, no byte").isEqualTo(Phase.ANSWER);
        });
        assertThat(sent.getIn().getHeader(MsnftpConstants.CANCEL_CODE)).isEqualTo(cancelCode);
    }

    /**
     * Every refusal before ACCEPT in both SIP modes (the CANCEL goes back in the IM session or in a MESSAGE of its own)
     * and both dialects offered: not an allowed sender, not included, over maxFileSize, a duplicate, no room; each with
     * the Cancel-Code the producer read off the wire and no connection made. The flow does not apply: it is chosen by
     * the ACCEPT that never comes.
     */
    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dialectsAndModes")
    void everyRefusalReachesTheProducerInBothSipModesAndDialects(Dialect dialect, SipMode mode) throws Exception {
        String options = sending(Flow.A, dialect, mode);
        String mia = alice("sip:mia@127.0.0.1:" + MIA_PORT, options);
        String suffix = "-" + dialect + "-" + mode + ".txt";
        MockEndpoint received = getMockEndpoint("mock:mia");
        received.expectedHeaderValuesReceivedInAnyOrder(Exchange.FILE_NAME, "first" + suffix);

        assertThat(send(mia, "0123456789", "first" + suffix).getException()).isNull();
        assertRejected(send(uri("sip:mia@127.0.0.1:" + MIA_PORT, "frank", FRANK_PORT, "localUser=frank@other.example&"
                                                                                      + options), "x", "frank" + suffix),
                "REJECT");
        assertRejected(send(mia, "x", "binary-" + dialect + "-" + mode + ".bin"), "REJECT");
        assertRejected(send(mia, new byte[101], "large" + suffix), "REJECT");
        assertRejected(send(mia, "0123456789", "first" + suffix), "REJECT");
        assertRejected(send(alice("sip:ned@127.0.0.1:" + NED_PORT, options), "x", "no-room" + suffix), "REJECT");

        received.assertIsSatisfied(10_000);
        getMockEndpoint("mock:ned").expectedMessageCount(0);
        getMockEndpoint("mock:ned").assertIsSatisfied();
    }

    static Stream<Arguments> dialectsAndModes() {
        return Stream.of(Dialect.values()).flatMap(dialect -> Stream.of(SipMode.values())
                .map(mode -> Arguments.of(dialect, mode)));
    }

    @Test
    void maxFileSizeWithAUnitIsAPowerOfTenLimit() throws Exception {
        MockEndpoint bob = getMockEndpoint("mock:bob");
        bob.expectedMessageCount(1);
        bob.expectedHeaderReceived(Exchange.FILE_LENGTH, 5_000_000L);

        assertThat(send(toBob(""), new byte[5_000_000], "just-fits.bin").getException()).isNull();
        assertRejected(send(toBob(""), new byte[5_000_001], "one-byte-over.bin"), "REJECT");

        bob.assertIsSatisfied(10_000);
    }

    private static String from(String user, int port, String target) {
        return uri(target, user.substring(0, user.indexOf('@')), port, "localUser=" + user);
    }

    @Test
    void allowedSendersTakesAddressesAndDomainsAndRejectsTheRest() throws Exception {
        String gail = "sip:gail@127.0.0.1:" + GAIL_PORT;
        MockEndpoint allowed = getMockEndpoint("mock:gailAllowed");
        allowed.expectedBodiesReceivedInAnyOrder("from erin", "from hank");
        MockEndpoint gailAlice = getMockEndpoint("mock:gailAlice");
        gailAlice.expectedMessageCount(1);

        assertThat(send(from("erin@partner.example", ERIN_PORT, gail), "from erin", "a.txt").getException()).isNull();
        assertThat(send(from("hank@corp.example", HANK_PORT, gail), "from hank", "b.txt").getException()).isNull();
        assertThat(send(alice(gail, ""), "from alice", "c.txt").getException()).as("her own route").isNull();
        assertRejected(send(from("frank@other.example", FRANK_PORT, gail), "from frank", "d.txt"), "REJECT");

        MockEndpoint.assertIsSatisfied(context, 10, TimeUnit.SECONDS);
    }

    @Test
    void includeAndExcludeDecideOnTheOfferedNameBeforeAnyByte() throws Exception {
        String ivy = alice("sip:ivy@127.0.0.1:" + IVY_PORT, "");
        MockEndpoint received = getMockEndpoint("mock:ivy");
        received.expectedHeaderValuesReceivedInAnyOrder(Exchange.FILE_NAME, "Report.PDF", "numbers.csv");

        assertThat(send(ivy, "pdf", "Report.PDF").getException()).as("case-insensitive").isNull();
        assertThat(send(ivy, "csv", "sub/dir/numbers.csv").getException()).as("the plain name counts").isNull();
        assertRejected(send(ivy, "txt", "notes.txt"), "REJECT");
        assertRejected(send(ivy, "draft", "draft-plan.pdf"), "REJECT");
        assertRejected(send(ivy, "partial", "report.pdf.tmp"), "REJECT");

        received.assertIsSatisfied(10_000);
    }

    @Test
    void aFileReceivedBeforeIsDeclinedByTheDefaultKeyOfSenderNameAndSize() throws Exception {
        String jack = alice("sip:jack@127.0.0.1:" + JACK_PORT, "");
        MockEndpoint received = getMockEndpoint("mock:jack");
        received.expectedHeaderValuesReceivedInAnyOrder(Exchange.FILE_LENGTH, 3L, 4L);

        assertThat(send(jack, "abc", "a.txt").getException()).isNull();
        assertRejected(send(jack, "abc", "a.txt"), "REJECT");
        assertThat(send(jack, "abcd", "a.txt").getException()).as("another size is another file").isNull();

        received.assertIsSatisfied(10_000);
    }

    @Test
    void theFileBasedRepositoryKeepsTheKeysOnDisk() throws Exception {
        String kate = alice("sip:kate@127.0.0.1:" + KATE_PORT, "");
        MockEndpoint received = getMockEndpoint("mock:kate");
        received.expectedMessageCount(1);

        assertThat(send(kate, "xyz", "k.txt").getException()).isNull();
        assertRejected(send(kate, "xyz", "k.txt"), "REJECT");

        received.assertIsSatisfied(10_000);
        assertThat(Files.readString(keys())).contains("alice@corp.example/k.txt/3");
    }

    /** A key that reads the content is checked once the bytes are in: the copy is dropped, and the sender told delivered. */
    @Test
    void aKeyOnTheContentDropsTheCopyAfterReceiptAndAcknowledgesIt() throws Exception {
        String liam = alice("sip:liam@127.0.0.1:" + LIAM_PORT, "");
        MockEndpoint received = getMockEndpoint("mock:liam");
        received.expectedHeaderValuesReceivedInAnyOrder(Exchange.FILE_NAME, "one.txt", "three.txt");

        assertThat(send(liam, "same", "one.txt").getException()).isNull();
        assertThat(send(liam, "same", "two.txt").getException()).as("the copy is acknowledged, not refused").isNull();
        assertThat(send(liam, "other", "three.txt").getException()).isNull();

        received.assertIsSatisfied(10_000);
        org.awaitility.Awaitility.await("the copy is not kept").atMost(java.time.Duration.ofSeconds(5))
                .until(() -> isEmptyDir(work.resolve("liam")));
    }

    @Test
    void aSenderPatternThatIsNotOneFailsTheRouteStart() throws Exception {
        try (CamelContext other = new DefaultCamelContext()) {
            assertThatThrownBy(() -> {
                other.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from(uri("*", "dora", DORA_PORT, "allowedSenders=*@")).to("mock:never");
                    }
                });
                other.start();
            }).hasStackTraceContaining("allowedSenders");
        }
    }

    @Test
    void aSizeThatIsNotASizeFailsTheRouteStartNamingTheOption() throws Exception {
        try (CamelContext other = new DefaultCamelContext()) {
            assertThatThrownBy(() -> {
                other.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from(uri("*", "dora", DORA_PORT, "maxFileSize=5XB")).to("mock:never");
                    }
                });
                other.start();
            }).hasStackTraceContaining("maxFileSize").hasStackTraceContaining("'5XB'");
        }
    }

    /**
     * The real usable space of the work directory's file system, no fake: the reserve is set so that 256 MiB (at most half
     * the usable space) is left, so a 10 kB file fits and one 256 MiB larger than what is left does not. The large file
     * is sparse: it is offered, never read.
     */
    @Test
    void anOfferThatDoesNotFitTheWorkDirectoryIsDeclinedBeforeAnyByte() throws Exception {
        Path doraWork = Files.createDirectories(work.resolve("dora"));
        long usable = Files.getFileStore(doraWork).getUsableSpace();
        long left = Math.min(256L << 20, usable / 2);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri("*", "dora", DORA_PORT, "freeSpaceReserve=" + (usable - left))).routeId("dora").to("mock:dora");
            }
        });
        Path huge = work.resolve("sources/huge.bin");
        Files.createDirectories(huge.getParent());
        try (RandomAccessFile sparse = new RandomAccessFile(huge.toFile(), "rw")) {
            sparse.setLength(left + (256L << 20));
        }
        MockEndpoint dora = getMockEndpoint("mock:dora");
        dora.expectedMessageCount(1);
        String toDora = alice("sip:dora@127.0.0.1:" + DORA_PORT, "");

        assertRejected(send(toDora, huge.toFile(), "huge.bin"), "REJECT");
        assertThat(send(toDora, new byte[10_000], "small.bin").getException()).isNull();

        dora.assertIsSatisfied(10_000);
        assertThat(dora.getReceivedExchanges().get(0).getIn().getHeader(Exchange.FILE_NAME)).isEqualTo("small.bin");
        context.getRouteController().stopRoute("dora", 10, TimeUnit.SECONDS);
    }
}
