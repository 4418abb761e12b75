import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;
import org.apache.camel.util.json.Jsoner;

/**
 * Writes MsnftpComponentConfiguration, the @ConfigurationProperties("camel.component.msnftp") class of the starter,
 * from the component's catalog JSON (on the class path), so that every component option has a Spring Boot property
 * whatever options the component has. Run by the build (exec-maven-plugin, Java's source launcher) before compiling;
 * the Spring Boot configuration processor then writes the IDE metadata from the generated class.
 * Arguments: the output source folder.
 */
public final class StarterGenerator {

    private static final String JSON = "META-INF/dev/camelmsnftp/component/msnftp.json";

    public static void main(String[] args) throws Exception {
        JsonObject json;
        try (InputStream in = StarterGenerator.class.getClassLoader().getResourceAsStream(JSON)) {
            if (in == null) {
                throw new IllegalStateException(JSON + " is not on the class path: build camel-msnftp first");
            }
            json = (JsonObject) Jsoner.deserialize(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        JsonObject component = (JsonObject) json.get("component");
        JsonObject options = (JsonObject) json.get("componentProperties");

        StringBuilder fields = new StringBuilder();
        StringBuilder accessors = new StringBuilder();
        for (Map.Entry<String, Object> entry : options.entrySet()) {
            String name = entry.getKey();
            JsonObject option = (JsonObject) entry.getValue();
            String type = springType(option);
            String description = String.valueOf(option.getOrDefault("description", ""));
            if (type.equals("java.lang.String") && isObject(option)) {
                String javaType = String.valueOf(option.get("javaType"));
                description += javaType.startsWith("java.util.")
                        ? " The option is a " + javaType + " type: give the values separated by commas."
                        : " The option is a " + javaType + " type: give the name of a bean as #bean:name.";
            }
            if (option.get("enum") != null) {
                description += " Values: " + String.join(", ", ((JsonArray) option.get("enum")).stream().map(String::valueOf).toList())
                               + " (any case).";
            }
            boolean deprecated = Boolean.TRUE.equals(option.get("deprecated"));
            fields.append("    /**\n").append(javadoc(description)).append("     */\n");
            fields.append("    private ").append(type).append(' ').append(name).append(initializer(option, type)).append(";\n\n");

            String property = Character.toUpperCase(name.charAt(0)) + name.substring(1);
            if (deprecated) {
                accessors.append("    @Deprecated\n    @DeprecatedConfigurationProperty\n");
            }
            accessors.append("    public ").append(type).append(" get").append(property).append("() {\n        return ")
                    .append(name).append(";\n    }\n\n");
            if (deprecated) {
                accessors.append("    @Deprecated\n");
            }
            accessors.append("    public void set").append(property).append('(').append(type).append(' ').append(name)
                    .append(") {\n        this.").append(name).append(" = ").append(name).append(";\n    }\n\n");
        }

        String source = """
                package dev.camelmsnftp.springboot;

                import org.apache.camel.spring.boot.ComponentConfigurationPropertiesCommon;
                import org.springframework.boot.context.properties.ConfigurationProperties;
                import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;

                /**
                 * %s
                 * <p>
                 * Generated from the component's catalog JSON by the build (src/build/java/StarterGenerator.java): do not edit.
                 */
                @ConfigurationProperties(prefix = "camel.component.msnftp")
                public class MsnftpComponentConfiguration extends ComponentConfigurationPropertiesCommon {

                %s%s}
                """.formatted(component.get("description"), fields, accessors.toString().stripTrailing() + "\n");
        Path out = Path.of(args[0], "dev/camelmsnftp/springboot/MsnftpComponentConfiguration.java");
        Files.createDirectories(out.getParent());
        Files.writeString(out, source);
    }

    private static boolean isObject(JsonObject option) {
        return "object".equals(option.get("type")) && option.get("enum") == null;
    }

    /** The Java type of the Spring property: wrappers, String, Duration, the enum itself; a bean reference otherwise. */
    private static String springType(JsonObject option) {
        String javaType = String.valueOf(option.get("javaType"));
        if ("duration".equals(option.get("type"))) {
            return "java.time.Duration";
        }
        switch (javaType) {
            case "boolean", "java.lang.Boolean": return "java.lang.Boolean";
            case "int", "java.lang.Integer": return "java.lang.Integer";
            case "long", "java.lang.Long": return "java.lang.Long";
            case "double", "java.lang.Double": return "java.lang.Double";
            case "java.lang.String": return "java.lang.String";
            default:
                return option.get("enum") != null ? javaType : "java.lang.String";
        }
    }

    private static String initializer(JsonObject option, String type) {
        Object value = option.get("defaultValue");
        if (value == null) {
            return "";
        }
        String text = String.valueOf(value);
        switch (type) {
            case "java.lang.Boolean": return " = " + text;
            case "java.lang.Integer": return " = " + text;
            case "java.lang.Long": return " = " + text + "L";
            case "java.lang.Double": return " = " + text + "D";
            case "java.lang.String": return " = \"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            case "java.time.Duration": return " = java.time.Duration.ofMillis(" + millis(text) + "L)";
            default:
                // the constant of a value as the catalog writes it: auto -> AUTO, afterRoute -> AFTER_ROUTE
                return " = " + type + "." + text.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
        }
    }

    /** 30s, 500ms, 2m, 1h, or plain milliseconds. */
    private static long millis(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.endsWith("ms")) {
            return Long.parseLong(t.substring(0, t.length() - 2));
        }
        long unit = t.endsWith("s") ? 1000 : t.endsWith("m") ? 60_000 : t.endsWith("h") ? 3_600_000 : 1;
        return Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit;
    }

    private static String javadoc(String text) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder("     *");
        for (String word : text.replace("*/", "* /").split("\\s+")) {
            if (word.startsWith("@")) {
                word = "&#64;" + word.substring(1);
            }
            if (line.length() + word.length() + 1 > 110) {
                out.append(line).append('\n');
                line = new StringBuilder("     *");
            }
            line.append(' ').append(word);
        }
        return out.append(line).append('\n').toString();
    }
}
