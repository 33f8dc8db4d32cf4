package dev.unifarm.api.instances;

import dev.unifarm.api.testing.FarmClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import static dev.unifarm.api.testing.FarmMetrics.metrics;
import static dev.unifarm.api.testing.FarmMetrics.value;
import static org.assertj.core.api.Assertions.assertThat;


/** A failed run's diagnosis over the API: reason and message with the fix, and the diagnosis counter. */
@QuarkusTest
class DiagnosisApiTest {

    @Test
    void testCrash_statusNamesCauseAndFixAndIsCounted() {
        String app = FarmClient.readyApp("crash", "crash");

        String id = FarmClient.startInstance(app);
        Response instance = FarmClient.awaitEnded(id);

        assertThat(instance.<String>path("state")).as(instance.asString()).isEqualTo("Failed");
        assertThat(instance.<String>path("reason")).isEqualTo("UnhandledException");
        assertThat(instance.<String>path("message")).contains("the app threw an exception nothing caught").contains("Fix:")
                .contains("System.InvalidOperationException: Unifarm crash sample: deliberate failure");
        String metrics = metrics();
        assertThat(value(metrics, "unifarm_diagnoses_total{app=\"" + app + "\",reason=\"UnhandledException\"}")).isEqualTo(1.0);
    }
}
