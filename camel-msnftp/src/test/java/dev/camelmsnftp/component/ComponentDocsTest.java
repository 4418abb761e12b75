package dev.camelmsnftp.component;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The option and header tables of {@code src/main/docs/msnftp-component.adoc} are generated from the catalog JSON the
 * build produces, as Camel's own tooling does for in-tree components. This test fails when they drift; run it with
 * {@code -Dmsnftp.docs.update=true} to rewrite them.
 */
class ComponentDocsTest {

    static final Path ADOC = Path.of("src/main/docs/msnftp-component.adoc");

    @Test
    void optionAndHeaderTablesMatchTheCatalog() throws Exception {
        JsonObject json;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/dev/camelmsnftp/component/msnftp.json")) {
            json = (JsonObject) Jsoner.deserialize(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        String adoc = Files.readString(ADOC);
        String generated = replace(replace(adoc, "component options", options(json)), "component headers", headers(json));
        if (Boolean.getBoolean("msnftp.docs.update")) {
            Files.writeString(ADOC, generated);
            adoc = Files.readString(ADOC);
        }
        assertThat(adoc).as("the tables of %s are stale: run this test with -Dmsnftp.docs.update=true", ADOC)
                .isEqualTo(generated);
    }

    /**
     * camel-package-maven-plugin keeps only letters, digits, white space, the backslash and {@code .,-='/!&%():;#${}}
     * of a description (and drops anything between angle brackets): {@code alice@corp.example} became
     * {@code alicecorp.example} in the catalog, the IDEs and the tables above, and {@code MSN < 5} became {@code MSN 5},
     * the opposite. Descriptions are written with the characters it keeps.
     */
    @Test
    void descriptionsUseOnlyCharactersTheCatalogKeeps() {
        List<String> broken = new ArrayList<>();
        for (Class<?> type : List.of(MsnftpConfiguration.class, MsnftpEndpoint.class, MsnftpComponent.class,
                MsnftpConstants.class)) {
            for (Field field : type.getDeclaredFields()) {
                UriParam param = field.getAnnotation(UriParam.class);
                UriPath path = field.getAnnotation(UriPath.class);
                Metadata metadata = field.getAnnotation(Metadata.class);
                for (String text : new String[] { param == null ? "" : param.description(),
                        path == null ? "" : path.description(), metadata == null ? "" : metadata.description(),
                        metadata == null ? "" : metadata.deprecationNote() }) {
                    String lost = text.codePoints()
                            .filter(c -> !Character.isJavaIdentifierPart(c) && !Character.isWhitespace(c)
                                         && ".,-='/\\!&%():;#${}".indexOf(c) < 0)
                            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
                    if (!lost.isEmpty()) {
                        broken.add(type.getSimpleName() + "." + field.getName() + " loses " + lost + " in: " + text);
                    }
                }
            }
        }
        assertThat(broken).as("descriptions the catalog would garble").isEmpty();
    }

    private static String replace(String adoc, String marker, String content) {
        String start = "// " + marker + ": START\n";
        String end = "// " + marker + ": END";
        int from = adoc.indexOf(start);
        int to = adoc.indexOf(end);
        assertThat(from).as("marker " + start).isNotNegative();
        assertThat(to).as("marker " + end).isGreaterThan(from);
        return adoc.substring(0, from + start.length()) + content + adoc.substring(to);
    }

    private static String options(JsonObject json) {
        JsonObject component = (JsonObject) json.get("componentProperties");
        JsonObject endpoint = (JsonObject) json.get("properties");
        StringBuilder out = new StringBuilder();
        out.append("== Component options\n\nThe MSNFTP component supports ").append(component.size())
                .append(" options, which are listed below. Each SIP and transfer option set on the component is the"
                        + " default of every endpoint, which can override it.\n\n");
        table(out, component, null);
        out.append("\n== Endpoint options\n\nThe MSNFTP endpoint is configured using URI syntax:\n\n----\n")
                .append(((JsonObject) json.get("component")).get("syntax")).append("\n----\n\n");
        long paths = endpoint.values().stream().filter(v -> "path".equals(((JsonObject) v).get("kind"))).count();
        out.append("=== Path Parameters (").append(paths).append(paths == 1 ? " parameter)\n\n" : " parameters)\n\n");
        table(out, endpoint, "path");
        long queries = endpoint.size() - paths;
        out.append("\n=== Query Parameters (").append(queries).append(" parameters)\n\n");
        table(out, endpoint, "parameter");
        return out.append('\n').toString();
    }

    private static String headers(JsonObject json) {
        JsonObject headers = (JsonObject) json.get("headers");
        StringBuilder out = new StringBuilder("== Message Headers\n\nThe MSNFTP component supports ").append(headers.size())
                .append(" message headers, which are listed below:\n\n");
        out.append("[width=\"100%\",cols=\"2,5,^1,2\",options=\"header\"]\n|===\n| Name | Description | Default | Type\n");
        for (Map.Entry<String, Object> header : headers.entrySet()) {
            JsonObject value = (JsonObject) header.getValue();
            out.append("| *").append(header.getKey()).append("* (").append(value.get("label") == null ? "common"
                    : value.get("label")).append(") | ").append(cell(value.get("description"))).append(" | ")
                    .append(cell(value.get("defaultValue"))).append(" | ").append(type(value)).append('\n');
        }
        return out.append("|===\n\n").toString();
    }

    private static void table(StringBuilder out, JsonObject options, String kind) {
        out.append("[width=\"100%\",cols=\"2,5,^1,2\",options=\"header\"]\n|===\n| Name | Description | Default | Type\n");
        for (Map.Entry<String, Object> option : options.entrySet()) {
            JsonObject value = (JsonObject) option.getValue();
            if (kind != null && !kind.equals(value.get("kind"))) {
                continue;
            }
            out.append("| *").append(option.getKey()).append("* (").append(value.get("group")).append(") | ")
                    .append(Boolean.TRUE.equals(value.get("required")) ? "*Required* " : "")
                    .append(cell(value.get("description")))
                    .append(value.get("enum") != null ? " Values: " + value.get("enum").toString().replaceAll("[\\[\\]\"]", "")
                            : "")
                    .append(" | ").append(cell(value.get("defaultValue"))).append(" | ").append(type(value)).append('\n');
        }
        out.append("|===\n");
    }

    private static String type(JsonObject value) {
        String javaType = String.valueOf(value.get("javaType"));
        return "duration".equals(value.get("type")) ? "Duration"
                : javaType.substring(javaType.lastIndexOf('.') + 1);
    }

    private static String cell(Object value) {
        return value == null ? "" : value.toString().replace("|", "\\|").replace("\n", " ");
    }
}
