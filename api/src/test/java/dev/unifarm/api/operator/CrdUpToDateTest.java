package dev.unifarm.api.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The committed CRD (what helm/ and k8s/ install) is the one the build generates from the Java classes. */
class CrdUpToDateTest {

    static final Path GENERATED = Path.of("target/classes/META-INF/fabric8/dotnetapps.unifarm.dev-v1.yml");
    static final Path COMMITTED = Path.of("../k8s/crds/dotnetapps.unifarm.dev-v1.yml");

    @Test
    void testCommittedCrd_equalsTheGeneratedOne() throws Exception {
        assertThat(GENERATED).as("crd-generator-maven-plugin runs in process-classes").isRegularFile();
        assertThat(COMMITTED).as("the CRD is committed under k8s/crds/").isRegularFile();
        assertThat(Files.readString(COMMITTED))
                .as("k8s/crds/dotnetapps.unifarm.dev-v1.yml is out of date with dev.unifarm.api.operator: refresh it with "
                        + "`./mvnw -B -o -pl imager,scheduler,api -am process-classes && cp api/" + GENERATED + " k8s/crds/` and commit it")
                .isEqualTo(Files.readString(GENERATED));
    }

    @Test
    void testCrd_namesPrinterColumnsAndStatusSubresource() throws Exception {
        String crd = Files.readString(GENERATED);
        assertThat(crd).contains("group: \"unifarm.dev\"", "name: \"v1alpha1\"", "kind: \"DotnetApp\"", "plural: \"dotnetapps\"",
                "- \"dna\"", "scope: \"Namespaced\"", "status: {}");
        for (String column : new String[] {"Phase", "Ready", "Coverage", "URL", "Age"}) {
            assertThat(crd).contains("name: \"" + column + "\"");
        }
        assertThat(crd).contains("observedGeneration", "conditions", "imageDigest", "readyInstances", "coverage", "url");
    }
}
