package dev.camelmsnftp.component;

import dev.camelmsnftp.sip.SipMode;
import dev.camelmsnftp.sip.SipTransport;
import dev.camelmsnftp.transfer.EncryptionPolicy;
import org.apache.camel.Converter;

/**
 * Text to the enumerated options ({@code encryption}, {@code sipMode}, {@code sipTransport}), in any case. Camel's own
 * enum conversion would accept them too, but a typo would only say that the enum has no such constant; these say
 * which values there are.
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
}
