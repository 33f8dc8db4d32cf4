package dev.unifarm.api.farm;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.isOneOf;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.emptyOrNullString;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** {@code /q/health} says which accelerator the farm's instances run under and why (the probe's verdict). */
@QuarkusTest
class AcceleratorHealthTest {

    @Test
    void testReadiness_namesTheAcceleratorAndTheProbesReason() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'accelerator' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'accelerator' }.data.setting", equalTo("auto"))
                .body("checks.find { it.name == 'accelerator' }.data.accelerator", isOneOf("kvm", "tcg"))
                .body("checks.find { it.name == 'accelerator' }.data.reason", is(not(emptyOrNullString())));
    }
}
