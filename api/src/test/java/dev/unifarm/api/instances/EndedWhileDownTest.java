package dev.unifarm.api.instances;

import dev.unifarm.api.instances.InstanceRecovery;
import dev.unifarm.api.instances.InstanceRepository;
import dev.unifarm.api.testing.FarmClient;
import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.unifarm.api.testing.FarmClient.api;
import static org.assertj.core.api.Assertions.assertThat;


/**
 * An instance whose guest finished while the farm was down: the database still has it {@code Running},
 * its QEMU is gone, and its raw console (here: the console a real guest of the same image wrote) ends
 * with the app's exit. The recovery the farm runs at start records that end, as the live path would
 * have, instead of {@code Failed}/{@code FarmRestarted}.
 */
@QuarkusTest
class EndedWhileDownTest {

    @Inject
    InstanceRepository records;
    @Inject
    InstanceRecovery recovery;

    @ParameterizedTest
    @CsvSource({"hello, Hello from Unifarm!", "crash, crash: about to throw"})
    void testRecovery_guestThatEndedWhileTheFarmWasDownShowsItsRealEnd(String sample, String printed) throws Exception {
        String app = FarmClient.uniqueName(sample);
        FarmClient.upload(app, FarmClient.sample(sample)).then().statusCode(201);
        assertThat(FarmClient.awaitBuilt(app, 1).<String>path("state")).isEqualTo("Ready");
        Response live = FarmClient.awaitEnded(FarmClient.startInstance(app));
        String id = String.format("i-%011x%06x", Instant.now().toEpochMilli(), ThreadLocalRandom.current().nextInt(1 << 24));
        Instant earlier = Instant.now().minusSeconds(60);
        records.insert(id, app, 1, "old-node", earlier);
        records.update(new InstanceStatus(id, InstanceState.Running, null, null, null, Accelerator.tcg, "old-node", earlier, earlier,
                earlier, null, null, 0));
        // What the farm left: the instance dir with the console QEMU wrote itself until the guest ended; no QEMU.
        Files.createDirectories(instanceDir(id));
        Files.copy(instanceDir(live.path("id")).resolve("console.raw"), instanceDir(id).resolve("console.raw"));

        recovery.recover(); // what the farm runs at start

        Response ended = api().get("/api/v1/instances/" + id);
        assertThat(ended.<String>path("state")).as(ended.asString()).isEqualTo(live.path("state")).isNotEqualTo("Failed/FarmRestarted");
        assertThat(ended.<String>path("reason")).isEqualTo(live.<String>path("reason")).isNotEqualTo("FarmRestarted");
        assertThat(ended.<Integer>path("exitCode")).isNotNull().isEqualTo(live.<Integer>path("exitCode"));
        assertThat(ended.<String>path("message")).startsWith(live.<String>path("message")).contains("ended while the farm was down");
        assertThat(FarmClient.console(id)).contains(printed);
    }

    private static Path instanceDir(String id) {
        return Path.of(ConfigProvider.getConfig().getValue("unifarm.data-dir", String.class)).resolve("instances").resolve(id);
    }
}
