package dev.camelmsnftp.component;

import dev.camelmsnftp.sip.SipMode;
import dev.camelmsnftp.sip.SipTransport;
import dev.camelmsnftp.transfer.Acknowledgement;
import dev.camelmsnftp.transfer.EncryptionPolicy;
import org.apache.camel.Converter;

/**
 * Text to the enumerated options ({@code encryption}, {@code sipMode}, {@code sipTransport}, {@code acknowledge}), in any
 * case. Camel's own enum conversion would accept most of them too, but a typo would only say that the enum has no such
 * constant; these say which values there are.
 */
@Converter(generateLoader = true)
public final class MsnftpConverters {

    private MsnftpConverters() {
    }

    @Converter
    public static EncryptionPolicy toEncryptionPolicy(String text) {
        return EncryptionPolicy.parse(text);
    }

    @Converter
    public static SipMode toSipMode(String text) {
        return SipMode.parse(text);
    }

    @Converter
    public static SipTransport toSipTransport(String text) {
        return SipTransport.parse(text);
    }

    @Converter
    public static Acknowledgement toAcknowledgement(String text) {
        return Acknowledgement.parse(text);
    }
}
