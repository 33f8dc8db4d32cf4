package dev.unifarm.api.testing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The test farm's {@code /q/metrics} (Prometheus text format; no token needed) and one series' value in it. */
public final class FarmMetrics {

    private FarmMetrics() {
    }

    public static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The sample's value; fails when the series is missing. */
    public static double value(String metrics, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        assertThat(m.find()).as("series %s in /q/metrics", series).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
