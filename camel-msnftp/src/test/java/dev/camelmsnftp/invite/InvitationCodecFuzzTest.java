package dev.camelmsnftp.invite;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing of the invitation parser (Jazzer): whatever a peer sends, {@link InvitationCodec#parse}
 * returns an invitation or throws {@link MalformedInvitationException}, nothing else; and what it accepts survives
 * formatting and parsing again unchanged. Every build replays the corpus in
 * {@code src/test/resources/dev/camelmsnftp/invite/InvitationCodecFuzzTestInputs}; {@code mvn -Pfuzz verify} fuzzes.
 */
class InvitationCodecFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void parsingAcceptsOrRejectsCleanlyAndRoundTrips(byte[] body) throws Exception {
        Invitation parsed;
        try {
            parsed = InvitationCodec.parse(body);
        } catch (MalformedInvitationException rejected) {
            assertThat(rejected.reason()).isNotNull();
            return;
        }
        Invitation again = InvitationCodec.parse(InvitationCodec.formatBytes(parsed));
        assertThat(InvitationCodec.format(again)).isEqualTo(InvitationCodec.format(parsed));
        assertThat(again.cookie()).isBetween(1L, 4294967295L);
    }
}
