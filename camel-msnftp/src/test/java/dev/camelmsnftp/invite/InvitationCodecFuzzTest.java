package dev.camelmsnftp.invite;

import java.util.List;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing of the invitation parser (Jazzer): whatever a peer sends, {@link InvitationCodec#parse}
 * returns an invitation or throws {@link MalformedInvitationException}, nothing else; what it accepts survives
 * formatting and parsing again unchanged; and {@link InvitationCodec#commandIs} sees the command it parses, no other. Every build replays the corpus in
 * {@code src/test/resources/dev/camelmsnftp/invite/InvitationCodecFuzzTestInputs}; {@code mvn -Pfuzz verify} fuzzes.
 */
class InvitationCodecFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void parsingAcceptsOrRejectsCleanlyAndRoundTrips(byte[] body) throws Exception {
        List<InvitationCommand> seen = Stream.of(InvitationCommand.values())
                .filter(command -> InvitationCodec.commandIs(body, command)).toList();
        assertThat(seen).as("commands seen by a look at the body").hasSizeLessThanOrEqualTo(1);
        Invitation parsed;
        try {
            parsed = InvitationCodec.parse(body);
        } catch (MalformedInvitationException rejected) {
            assertThat(rejected.reason()).isNotNull();
            return;
        }
        // where a look says ACCEPT, the body is handled on the SIP thread: parsing must then give that command
        assertThat(seen).as("what a look at the body saw, against what parsing gave").containsExactly(parsed.command());
        Invitation again = InvitationCodec.parse(InvitationCodec.formatBytes(parsed));
        assertThat(InvitationCodec.format(again)).isEqualTo(InvitationCodec.format(parsed));
        assertThat(again.cookie()).isBetween(1L, 4294967295L);
    }
}
