package dev.unifarm.api.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.problem.ProblemException;
import dev.unifarm.imager.model.Workload;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The spec's {@code coverage.workload}: mapped to the image's {@link Workload}, each mistake a 400 naming the field. */
class AppSpecWorkloadTest {

    private final AppSpecParser parser = new AppSpecParser(new ObjectMapper(), Set.of("linux"));

    @Test
    void testWorkload_serverRequestsMapToTheImagesWorkload() {
        AppSpec spec = parser.parse("{\"port\": 8080, \"coverage\": {\"workload\": {\"requests\": [{\"path\": \"/hello?x=1\","
                + " \"status\": 200, \"body\": \"echo-http\"}]}}}");

        assertThat(spec.needsWorkload().requests()).containsExactly(new Workload.Request("/hello?x=1", 200, "echo-http"));
        assertThat(parser.write(spec)).contains("\"coverage\":{\"workload\":{\"requests\":[{\"path\":\"/hello?x=1\"");
    }

    @Test
    void testWorkload_exitAndOutputOfAnAppWithoutAPort() {
        Workload workload = parser.parse("{\"coverage\": {\"workload\": {\"exitCode\": 0, \"output\": [\"Hello from Unifarm!\"]}}}")
                .needsWorkload();

        assertThat(workload.exitCode()).isZero();
        assertThat(workload.output()).containsExactly("Hello from Unifarm!");
        assertThat(workload.requests()).isEmpty();
    }

    @Test
    void testWorkload_settleOfAWorker() {
        Workload workload = parser.parse("{\"coverage\": {\"workload\": {\"settle\": \"PT3S\", \"output\": [\"ticker started\"]}}}")
                .needsWorkload();

        assertThat(workload.settle()).isEqualTo(java.time.Duration.ofSeconds(3));
        assertThat(workload.output()).containsExactly("ticker started");
    }

    @Test
    void testWorkload_unsetIsAsTheBaseline() {
        assertThat(parser.parse("{}").needsWorkload()).isEqualTo(Workload.asBaseline());
        assertThat(parser.parse("{\"coverage\": {}}").needsWorkload()).isEqualTo(Workload.asBaseline());
        assertThat(parser.write(parser.parse("{}"))).doesNotContain("coverage");
    }

    @Test
    void testWorkload_mistakesAre400sNamingTheField() {
        assertInvalid("{\"coverage\": {\"workload\": {\"requests\": [{\"path\": \"/\"}]}}}", "spec.coverage.workload.requests is for apps"
                + " with a port");
        assertInvalid("{\"port\": 80, \"coverage\": {\"workload\": {\"exitCode\": 0}}}", "exitCode, output and settle are for apps without a port");
        assertInvalid("{\"port\": 80, \"coverage\": {\"workload\": {\"output\": []}}}", "exitCode, output and settle are for apps without a port");
        assertInvalid("{\"port\": 80, \"coverage\": {\"workload\": {\"settle\": \"PT3S\"}}}", "exitCode, output and settle are for apps without a port");
        assertInvalid("{\"coverage\": {\"workload\": {\"settle\": \"3s\"}}}", "settle must be an ISO-8601 duration such as \"PT3S\"");
        assertInvalid("{\"coverage\": {\"workload\": {\"settle\": \"PT2M\"}}}", "spec.coverage.workload: a workload's settle must be more than 0 and at most PT1M");
        assertInvalid("{\"port\": 80, \"coverage\": {\"workload\": {\"requests\": [{\"path\": \"hello\"}]}}}",
                "spec.coverage.workload: a workload request's path must start with /");
        assertInvalid("{\"port\": 80, \"coverage\": {\"workload\": {\"requests\": [{\"path\": \"/\", \"status\": 999}]}}}",
                "must be an HTTP status (100-599); got: 999");
        assertInvalid("{\"port\": 80, \"coverage\": {\"workload\": {\"requests\": [null]}}}", "requests must hold objects");
        assertInvalid("{\"coverage\": {\"workload\": {\"exitCode\": 256}}}", "spec.coverage.workload: a workload's exitCode must be 0-255");
        assertInvalid("{\"coverage\": {\"workload\": {\"output\": [null]}}}", "output must hold the lines the app prints");
        assertInvalid("{\"coverage\": {\"workload\": {\"output\": [\"a\\nb\"]}}}", "without control characters");
        assertInvalid("{\"coverage\": {\"workload\": {\"exitcode\": 0}}}", "exitcode");
    }

    private void assertInvalid(String json, String detail) {
        assertThatThrownBy(() -> parser.parse(json)).isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(e.getMessage()).as(json).contains(detail))
                .satisfies(e -> assertThat(((ProblemException) e).type()).isEqualTo("invalid-spec"));
    }
}
