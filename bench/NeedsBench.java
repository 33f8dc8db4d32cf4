import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * bench/needs' client (issue 19, "Measure"): per app (already uploaded and Ready) one reference run, then one needs
 * sweep, each timed from its POST to Done (200 ms polls); prints the sweep/reference ratio, trials, the classes and
 * their shares, then the support plan of each kernel profile given.
 * Usage: java -cp <jackson jars> bench/NeedsBench.java API TOKEN KERNEL[,KERNEL...] APP...
 */
public class NeedsBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static String api;
    private static String token;

    public static void main(String[] args) throws Exception {
        api = args[0];
        token = args[1];
        String[] kernels = args[2].split(",");
        List<String> rows = new ArrayList<>();
        rows.add(String.format("%-22s %8s %8s %6s %6s %4s %4s %4s %4s  %s", "app", "ref s", "sweep s", "ratio", "trials",
                "req", "fake", "stub", "untr", "required"));
        for (int i = 3; i < args.length; i++) {
            String app = args[i];
            double reference = timed("POST", "/apps/" + app + "/coverage/reference", "/apps/" + app + "/coverage", NeedsBench::referenceDone);
            double sweep = timed("POST", "/apps/" + app + "/coverage/needs", "/apps/" + app + "/coverage/needs", NeedsBench::sweepDone);
            JsonNode needs = get("/apps/" + app + "/coverage/needs");
            if (!"Done".equals(needs.path("state").asText())) {
                rows.add(String.format("%-22s %8.1f %8.1f  sweep %s: %s", app, reference, sweep, needs.path("state").asText(),
                        needs.path("message").asText()));
                continue;
            }
            JsonNode classes = needs.path("classes");
            rows.add(String.format("%-22s %8.1f %8.1f %6.1f %6d %4d %4d %4d %4d  %s", app, reference, sweep, sweep / reference,
                    needs.path("trials").asInt(), classes.path("required").size(), classes.path("fakeable").size(),
                    classes.path("stubbable").size(), classes.path("untried").size(), classes.path("required")));
            System.out.println(app + ": " + needs.path("message").asText() + "; shares " + needs.path("shares"));
            System.out.println(app + ": fakeable " + classes.path("fakeable") + ", stubbable " + classes.path("stubbable")
                    + ", untried " + classes.path("untried"));
        }
        System.out.println();
        rows.forEach(System.out::println);
        System.out.println();
        for (String kernel : kernels) {
            printPlan(kernel);
        }
    }

    private static void printPlan(String kernel) throws Exception {
        JsonNode plan = get("/kernels/" + kernel + "/plan");
        System.out.println("support plan of " + kernel + ": " + plan.path("appsRunnableNow").asInt() + " of " + plan.path("sweptApps").asInt()
                + " swept apps run now");
        for (JsonNode app : plan.path("apps")) {
            System.out.println("  " + app.path("app").asText() + ": blockers " + app.path("blockers") + ", fakeable it lacks "
                    + app.path("fakeable") + ", stubbable it lacks " + app.path("stubbable"));
        }
        System.out.println("  implement first (ranking):");
        for (JsonNode entry : plan.path("ranking")) {
            System.out.println("    " + entry.path("syscall").asText() + "  required by " + entry.path("requiredBy") + ", apps runnable after: "
                    + entry.path("appsRunnableAfter").asInt());
        }
        System.out.println("  a compat shim (fake) fixes: " + plan.path("shim"));
        System.out.println("  a stub (ENOSYS) fixes: " + plan.path("stub"));
    }

    interface Done {
        boolean test(JsonNode body);
    }

    private static boolean referenceDone(JsonNode coverage) {
        JsonNode runs = coverage.path("runs");
        return runs.size() > 0 && List.of("Done", "Failed").contains(runs.get(0).path("state").asText());
    }

    private static boolean sweepDone(JsonNode needs) {
        return List.of("Done", "Failed").contains(needs.path("state").asText());
    }

    /** Seconds from the POST to {@code done} on the GET. */
    private static double timed(String method, String post, String poll, Done done) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> started = HTTP.send(request(post).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (started.statusCode() != 202) {
            throw new IllegalStateException(post + ": " + started.statusCode() + " " + started.body());
        }
        while (true) {
            Thread.sleep(200);
            try {
                if (done.test(get(poll))) {
                    return (System.nanoTime() - t0) / 1e9;
                }
            } catch (IllegalStateException notYet) {
                // 404 before the first run exists
            }
        }
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + ": " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token);
    }
}
