package dev.unifarm.api.instances;

import dev.unifarm.api.testing.FarmClient;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

import static dev.unifarm.api.testing.FarmClient.api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;


/**
 * {@code ?follow=true&view=app}: the app's lines as they come and one plain line saying how it ended,
 * instead of the {@code linux} profile's init-exit panic and register dump that end the full console.
 */
@QuarkusTest
class ConsoleAppViewTest {

    @Test
    void testFollowAppView_showsTheAppsLinesThenAPlainEnd() {
        String app = FarmClient.readyApp("appview", "hello");
        String id = FarmClient.startInstance(app);

        String followed = api().get("/api/v1/instances/" + id + "/console?follow=true&view=app").then().statusCode(200)
                .contentType(containsString("text/plain")).extract().asString();

        List<String> lines = followed.lines().toList();
        assertThat(lines).as(followed).contains("Hello from Unifarm!", "args: []")
                .last().isEqualTo("[unifarm] ended: Succeeded, exit code 0 (Completed)");
        assertThat(followed).doesNotContain("Kernel panic", "Attempted to kill init", "Call Trace", "SeaBIOS");
        assertThat(FarmClient.console(id)).as("the full console keeps the kernel's end")
                .contains("Hello from Unifarm!", "Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000");
        api().get("/api/v1/instances/" + id + "/console?follow=true&view=kernel").then().statusCode(400)
                .contentType("application/problem+json").body("type", equalTo("https://unifarm.dev/problems/invalid-view"))
                .body("detail", containsString("view=app"));
    }
}
