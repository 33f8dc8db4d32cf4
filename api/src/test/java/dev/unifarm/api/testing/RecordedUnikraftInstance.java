package dev.unifarm.api.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.unifarm.api.farm.FarmDirs;
import dev.unifarm.api.instances.InstanceRepository;
import dev.unifarm.api.instances.InstanceService;
import dev.unifarm.scheduler.InstanceState;
import dev.unifarm.scheduler.InstanceStatus;
import dev.unifarm.scheduler.console.ConsoleCleaner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * No real app-elfloader can run here, so the recorded consoles of a real one (the allowed stand-in,
 * {@code testdata/unikraft/}) are put in place as the {@code console.log} of an instance record
 * of a revision built for a Unikraft profile, and the instance's end is driven through the same listener
 * the scheduler calls ({@link InstanceService#recorder}).
 */
public record RecordedUnikraftInstance(InstanceService instances, InstanceRepository records, FarmDirs dirs) {

    public static final String KERNEL = "unikraft-elfloader-9pfs";

    /** An app whose revision was built for the 9pfs app-elfloader profile (a stand-in kernel: the image is never booted). */
    public static String uploadApp() {
        StandInKernels.install(KERNEL);
        String app = FarmClient.uniqueName("uk");
        FarmClient.api().multiPart("name", app).multiPart("bundle", FarmClient.sample("hello").toFile())
                .multiPart("spec", "{\"kernel\": \"" + KERNEL + "\"}", "application/json").post("/api/v1/apps")
                .then().statusCode(201);
        return app;
    }

    /** An instance record of the app whose console.log is the recording as the farm writes it (cleaned lines), ended. */
    public String ended(String app, String recording, InstanceState end) throws IOException {
        return ended(app, "unikraft", recording, end);
    }

    /** {@link #ended(String, String, InstanceState)} with a recording of another {@code testdata/} dir, e.g. {@code unikraft-0.16.3}. */
    public String ended(String app, String fixtures, String recording, InstanceState end) throws IOException {
        String id = "i-" + UUID.randomUUID().toString().substring(0, 12);
        Instant created = Instant.now();
        records.insert(id, app, 1, "test-node", created);
        Path dir = Files.createDirectories(dirs.instance(id));
        Path file = Path.of(System.getProperty("test.fixtures.dir"), fixtures, recording);
        List<String> cleaned = Files.readAllLines(file, StandardCharsets.ISO_8859_1).stream()
                .flatMap(line -> ConsoleCleaner.lines(line).stream()).toList();
        Files.write(dir.resolve("console.log"), cleaned, StandardCharsets.UTF_8);
        InstanceStatus status = InstanceStatus.pending(id, "test-node", created)
                .finished(end, null, end == InstanceState.Stopped ? "Quit" : "VmExited", "recorded console", Instant.now());
        instances.recorder(app, 1, created).changed(status);
        assertThat(FarmClient.api().get("/api/v1/instances/" + id).<String>path("state")).isEqualTo(end.name());
        return id;
    }
}
