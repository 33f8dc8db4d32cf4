package dev.unifarm.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** values.schema.json refuses bad values in {@code template} and {@code lint}, naming the key; the templates refuse bad combinations. */
class ChartSchemaTest {

    @TempDir
    Path temp;

    @Test
    void template_replicaCountAsString_isRejectedBySchema() throws IOException {
        Path values = values("replicaCount: \"two\"\n");

        assertThatThrownBy(() -> Charts.template(values))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("replicaCount")
                .hasMessageContaining("Invalid type. Expected: integer, given: string");
    }

    @Test
    void lint_replicaCountAsString_failsWithSchemaError() throws IOException {
        Path chart = ChartCopy.withValues(Charts.CHART, temp, defaultsWith("replicaCount: 1\n", "replicaCount: \"two\"\n"));

        LintResult result = new Helm(chart).lint().call();

        assertThat(result.isFailed()).isTrue();
        assertThat(result.getMessages()).anyMatch(m -> m.contains("[ERROR]") && m.contains("replicaCount")
                && m.contains("Invalid type"));
    }

    @Test
    void template_unknownDatabaseType_isRejectedWithTheAllowedOnes() throws IOException {
        Path values = values("database:\n  type: mysql\n");

        assertThatThrownBy(() -> Charts.template(values))
                .hasMessageContaining("database.type")
                .hasMessageContaining("\"h2\", \"postgresql\"");
    }

    @Test
    void template_misspelledKey_isRejected() throws IOException {
        Path values = values("replicas: 2\n");

        assertThatThrownBy(() -> Charts.template(values)).hasMessageContaining("Additional property replicas is not allowed");
    }

    @Test
    void template_shortApiToken_isRejected() throws IOException {
        Path values = values("apiToken:\n  value: short\n");

        assertThatThrownBy(() -> Charts.template(values)).hasMessageContaining("apiToken.value");
    }

    @Test
    void template_kernelProfileWithFileAndOciReference_isRejected() throws IOException {
        Path values = values("kernels:\n  uk:\n    kernel: /k\n    kernelOci: r.example/k@sha256:00\n");

        assertThatThrownBy(() -> Charts.template(values)).hasMessageContaining("kernels.uk");
    }

    @Test
    void template_twoReplicasOnH2_failsSayingPostgresqlIsNeeded() throws IOException {
        Path values = values("replicaCount: 2\n");

        assertThatThrownBy(() -> Charts.template(values)).hasMessageContaining("replicaCount > 1 needs database.type=postgresql");
    }

    @Test
    void template_twoReplicasOnReadWriteOnceVolume_failsSayingReadWriteMany() throws IOException {
        Path values = values("replicaCount: 2\ndatabase:\n  type: postgresql\n  postgresql:\n    existingSecret: pg\n");

        assertThatThrownBy(() -> Charts.template(values)).hasMessageContaining("ReadWriteMany");
    }

    @Test
    void template_postgresqlWithoutSecret_failsNamingTheKey() throws IOException {
        Path values = values("database:\n  type: postgresql\n");

        assertThatThrownBy(() -> Charts.template(values)).hasMessageContaining("database.postgresql.existingSecret");
    }

    @Test
    void template_launcherAsRoot_isRejectedNamingTheKey() throws IOException {
        Path values = values("scheduler:\n  launcherImage: l:1\n  kvmResource: none\n  runAsUser: 0\n");

        assertThatThrownBy(() -> Charts.template(values)).hasMessageContaining("scheduler.runAsUser")
                .hasMessageContaining("greater than or equal to 1");
    }

    private Path values(String yaml) throws IOException {
        return Files.writeString(Files.createTempFile(temp, "values", ".yaml"), yaml);
    }

    /** The chart's values.yaml with one line replaced (lint reads no other values file). */
    private Path defaultsWith(String line, String replacement) throws IOException {
        String defaults = Files.readString(Charts.CHART.resolve("values.yaml"));
        assertThat(defaults).contains(line);
        return Files.writeString(temp.resolve("bad-values.yaml"), defaults.replace(line, replacement));
    }
}
