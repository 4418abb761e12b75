package dev.camelmsnftp.component;

import java.io.InputStream;
import java.util.Set;

import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The option and header names of SPEC 5 are contract: the generated catalog JSON must list them. */
class MsnftpMetadataTest {

    static final Set<String> SPEC_OPTIONS = Set.of("identity", "localUser", "sipHost", "sipPort", "sipTransport", "registrar",
            "outboundProxy", "authUsername", "password", "ftpHost", "ftpPort", "advertisedAddress", "connectivity",
            "alwaysListen", "encryption", "sipMode", "acceptTimeout", "transferTimeout", "maxFileSize", "workDir",
            "maxConcurrentTransfers", "fileName", "acknowledge", "moveFailed", "allowedSenders", "include", "exclude",
            "idempotent", "idempotentRepository", "idempotentKey");
    static final Set<String> SPEC_HEADERS = Set.of("CamelMsnftpInvitationCookie", "CamelFileName", "CamelFileLength",
            "CamelMsnftpByeCode", "CamelMsnftpRemoteUser", "CamelMsnftpCancelCode", "CamelMsnftpEncrypted",
            "CamelMsnftpOriginalFileName", "CamelMsnftpFlow");

    @Test
    void catalogListsEverySpecOptionAndHeader() throws Exception {
        JsonObject json;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/dev/camelmsnftp/component/msnftp.json")) {
            assertThat(in).as("generated catalog JSON on the classpath").isNotNull();
            json = (JsonObject) Jsoner.deserialize(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(object(json, "component")).containsEntry("scheme", "msnftp").containsEntry("syntax", "msnftp:peer");
        JsonObject properties = object(json, "properties");
        assertThat(properties.keySet()).containsAll(SPEC_OPTIONS).contains("peer", "bridgeErrorHandler", "lazyStartProducer",
                "exceptionHandler", "exchangePattern");
        assertThat(object(json, "componentProperties").keySet()).containsAll(SPEC_OPTIONS);
        assertThat(object(json, "headers").keySet()).containsAll(SPEC_HEADERS);

        assertThat(object(properties, "password")).containsEntry("secret", true);
        assertThat(object(properties, "acceptTimeout")).containsEntry("defaultValue", "30s").containsEntry("type", "duration");
        assertThat(object(properties, "transferTimeout")).containsEntry("defaultValue", "60s");
        assertThat(object(properties, "sipPort").get("defaultValue")).hasToString("5060");
        assertThat(object(properties, "encryption")).containsEntry("defaultValue", "auto");
        assertThat(object(properties, "sipMode")).containsEntry("defaultValue", "session");
        assertThat(object(properties, "maxConcurrentTransfers").get("defaultValue")).hasToString("16");
        assertThat(object(properties, "acknowledge")).containsEntry("defaultValue", "afterRoute");
        assertThat(object(properties, "ackTimeout")).containsEntry("defaultValue", "5m").containsEntry("type", "duration");
        assertThat(object(properties, "moveFailed")).containsEntry("defaultValue", ".failed");
        assertThat(object(properties, "maxFileSize")).containsEntry("type", "string");
    }

    private static JsonObject object(JsonObject json, String key) {
        assertThat(json.get(key)).as(key).isInstanceOf(JsonObject.class);
        return (JsonObject) json.get(key);
    }
}
