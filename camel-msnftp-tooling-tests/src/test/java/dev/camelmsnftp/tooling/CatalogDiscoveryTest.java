package dev.camelmsnftp.tooling;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.LinkedHashSet;
import java.util.Set;

import dev.camelmsnftp.component.MsnftpComponent;
import org.apache.camel.catalog.CamelCatalog;
import org.apache.camel.catalog.DefaultCamelCatalog;
import org.apache.camel.catalog.EndpointValidationResult;
import org.apache.camel.catalog.maven.DefaultMavenArtifactProvider;
import org.apache.camel.tooling.model.ComponentModel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Camel's tooling finds the component in its jar alone, as it finds any third-party component: a DefaultCamelCatalog
 * (camel-catalog 4.22) knows only Camel's own components; the scan that MavenArtifactProvider (camel-catalog-maven)
 * runs over an artifact, and the IDE plugins run over a library, reads the jar's
 * META-INF/services/org/apache/camel/component.properties, the component's service file and its JSON next to the
 * component class, and adds what it found. This test gives that scan a class loader over the camel-msnftp artifact
 * only (nothing of this class path) and never tells the catalog the name, class or JSON itself; then the catalog
 * lists msnftp and validates URIs against its options.
 */
class CatalogDiscoveryTest {

    /** The scan of MavenArtifactProvider.addArtifactToCatalog, on a class loader we give it instead of a download. */
    static final class ArtifactScan extends DefaultMavenArtifactProvider {
        Set<String> scan(CamelCatalog catalog, ClassLoader artifact) {
            Set<String> names = new LinkedHashSet<>();
            scanCamelComponents(catalog, artifact, names);
            return names;
        }
    }

    @Test
    void theCatalogFindsAndValidatesTheComponentFromItsJar() throws Exception {
        URL artifact = MsnftpComponent.class.getProtectionDomain().getCodeSource().getLocation();
        CamelCatalog catalog = new DefaultCamelCatalog();
        assertThat(catalog.findComponentNames()).as("Camel's own catalog").contains("file").doesNotContain("msnftp");

        Set<String> found;
        try (URLClassLoader jar = new URLClassLoader(new URL[] { artifact }, ClassLoader.getPlatformClassLoader())) {
            found = new ArtifactScan().scan(catalog, jar);
        }

        assertThat(found).as("components found in " + artifact).containsExactly("msnftp");
        assertThat(catalog.findComponentNames()).contains("msnftp");
        ComponentModel model = catalog.componentModel("msnftp");
        assertThat(model.getJavaType()).isEqualTo(MsnftpComponent.class.getName());
        assertThat(model.getArtifactId()).isEqualTo("camel-msnftp");
        assertThat(model.getSyntax()).isEqualTo("msnftp:peer");

        EndpointValidationResult good = catalog.validateEndpointProperties(
                "msnftp:bob@corp.example?identity=alice@corp.example&encryption=required&sipMode=pager&sipTransport=tcp"
                + "&acceptTimeout=10s&maxConcurrentTransfers=4&password=RAW(s3cret)");
        assertThat(good.isSuccess()).as(good.summaryErrorMessage(false, true, true)).isTrue();

        EndpointValidationResult bad = catalog.validateEndpointProperties(
                "msnftp:bob@corp.example?identity=alice@corp.example&encryption=requird&sipPort=five&noSuchOption=1");
        assertThat(bad.isSuccess()).isFalse();
        assertThat(bad.getInvalidEnum()).containsKey("encryption");
        assertThat(bad.getInvalidEnumChoices().get("encryption")).containsExactly("auto", "required", "disabled");
        assertThat(bad.getInvalidInteger()).containsKey("sipPort");
        assertThat(bad.getUnknown()).containsExactly("noSuchOption");

        EndpointValidationResult noIdentity = catalog.validateEndpointProperties("msnftp:*?sipPort=5070");
        assertThat(noIdentity.getRequired()).contains("identity");
    }
}
