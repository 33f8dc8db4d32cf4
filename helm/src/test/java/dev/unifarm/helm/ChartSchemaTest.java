package dev.unifarm.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** values.schema.json refuses bad values in {@code template} and {@code lint}, naming the key; the templates refuse bad combinations. */
class ChartSchemaTest {

    @TempDir
    Path temp;

    /** Values the schema or a template refuses, and what the error must name. */
    static Stream<Arguments> refusedValues() {
        return Stream.of(
                refused("replicaCount as a string is refused by the schema", "replicaCount: \"two\"\n",
                        "values don't meet the specifications of the schema", "replicaCount",
                        "Invalid type. Expected: integer, given: string"),
                refused("an unknown database type is refused with the allowed ones", "database:\n  type: mysql\n",
                        "database.type", "\"h2\", \"postgresql\""),
                refused("a misspelled key is refused", "replicas: 2\n", "Additional property replicas is not allowed"),
                refused("a short API token is refused", "apiToken:\n  value: short\n", "apiToken.value"),
                refused("a kernel profile with a file and an OCI reference is refused",
                        "kernels:\n  uk:\n    kernel: /k\n    kernelOci: r.example/k@sha256:00\n", "kernels.uk"),
                refused("two replicas on H2 fail saying PostgreSQL is needed", "replicaCount: 2\n",
                        "replicaCount > 1 needs database.type=postgresql"),
                refused("two replicas on a ReadWriteOnce volume fail saying ReadWriteMany",
                        "replicaCount: 2\ndatabase:\n  type: postgresql\n  postgresql:\n    existingSecret: pg\n", "ReadWriteMany"),
                refused("postgresql without a secret fails naming the key", "database:\n  type: postgresql\n",
                        "database.postgresql.existingSecret"),
                refused("the launcher as root is refused naming the key",
                        "scheduler:\n  launcherImage: l:1\n  kvmResource: none\n  runAsUser: 0\n",
                        "scheduler.runAsUser", "greater than or equal to 1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedValues")
    void template_badValues_areRefusedNamingWhy(String why, String yaml, List<String> messageParts) throws IOException {
        Path values = values(yaml);

        assertThatThrownBy(() -> Charts.template(values)).message().contains(messageParts);
    }

    @Test
    void lint_replicaCountAsString_failsWithSchemaError() throws IOException {
        Path chart = ChartCopy.withValues(Charts.CHART, temp, defaultsWith("replicaCount: 1\n", "replicaCount: \"two\"\n"));

        LintResult result = new Helm(chart).lint().call();

        assertThat(result.isFailed()).isTrue();
        assertThat(result.getMessages()).anyMatch(m -> m.contains("[ERROR]") && m.contains("replicaCount")
                && m.contains("Invalid type"));
    }

    private static Arguments refused(String why, String yaml, String... messageParts) {
        return Arguments.of(why, yaml, List.of(messageParts));
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
