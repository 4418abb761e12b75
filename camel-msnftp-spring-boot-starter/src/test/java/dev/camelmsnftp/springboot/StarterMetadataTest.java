package dev.camelmsnftp.springboot;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.camel.util.StringHelper;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter is in step with the component's catalog: every component option (the ones the component has today, not
 * a list kept here) is a Spring Boot property with IDE metadata (type, description, deprecation), and there are no
 * others but the starter's own enabled switches.
 */
class StarterMetadataTest {

    private static JsonObject load(String resource) throws Exception {
        try (InputStream in = StarterMetadataTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource + " on the class path").isNotNull();
            return (JsonObject) Jsoner.deserialize(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void everyComponentOptionIsASpringBootPropertyWithMetadata() throws Exception {
        JsonObject catalog = (JsonObject) load("META-INF/dev/camelmsnftp/component/msnftp.json").get("componentProperties");
        JsonObject metadata = load("META-INF/spring-configuration-metadata.json");
        Map<String, JsonObject> properties = new HashMap<>();
        for (Object property : (JsonArray) metadata.get("properties")) {
            JsonObject p = (JsonObject) property;
            properties.put((String) p.get("name"), p);
        }

        Set<String> expected = new TreeSet<>(Set.of("camel.component.msnftp.enabled",
                "camel.component.msnftp.customizer.enabled"));
        for (Map.Entry<String, Object> entry : catalog.entrySet()) {
            JsonObject option = (JsonObject) entry.getValue();
            String name = "camel.component.msnftp." + StringHelper.camelCaseToDash(entry.getKey());
            expected.add(name);
            assertThat(properties).as("a Spring Boot property for the component option " + entry.getKey())
                    .containsKey(name);
            JsonObject property = properties.get(name);
            assertThat((String) property.get("description")).as(name).isNotBlank();
            assertThat(property.get("type")).as(name).isEqualTo(expectedType(option));
            if (Boolean.TRUE.equals(option.get("deprecated"))) {
                assertThat(property.get("deprecated")).as(name + " deprecated").isEqualTo(true);
            }
        }
        assertThat(new TreeSet<>(properties.keySet())).as("no property the component does not have")
                .isEqualTo(expected);
    }

    private static String expectedType(JsonObject option) {
        if ("duration".equals(option.get("type"))) {
            return "java.time.Duration";
        }
        String javaType = (String) option.get("javaType");
        return switch (javaType) {
            case "boolean" -> "java.lang.Boolean";
            case "int" -> "java.lang.Integer";
            case "long" -> "java.lang.Long";
            default -> option.get("enum") != null || javaType.startsWith("java.lang.") ? javaType : "java.lang.String";
        };
    }
}
