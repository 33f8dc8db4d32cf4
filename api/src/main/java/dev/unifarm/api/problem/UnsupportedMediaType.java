package dev.unifarm.api.problem;

import java.util.regex.Pattern;

/** What a 415 should say: how to send the body the endpoint takes, rather than Quarkus' "@Consumes" wording. */
final class UnsupportedMediaType {

    private static final Pattern UPLOAD = Pattern.compile("/api/v1/apps/?");
    private static final Pattern RUNTIME = Pattern.compile("/api/v1/runtimes/?");

    private UnsupportedMediaType() {
    }

    static String detail(String method, String path, String contentType) {
        String sent = contentType == null ? "no Content-Type" : "Content-Type " + contentType;
        if ("POST".equals(method) && UPLOAD.matcher(path).matches()) {
            return "an upload is multipart/form-data (" + sent + " was sent): send the fields name (the app's name) and bundle"
                    + " (the dotnet publish output as .zip or .tar.gz), and optionally spec (the app spec as JSON),"
                    + " e.g. curl -F name=shop -F bundle=@shop.zip";
        }
        if ("POST".equals(method) && RUNTIME.matcher(path).matches()) {
            return "a runtime is registered as multipart/form-data (" + sent + " was sent): send the field archive"
                    + " (dotnet-runtime-<version>-linux-x64.tar.gz), e.g. curl -F archive=@dotnet-runtime-8.0.11-linux-x64.tar.gz";
        }
        return method + " " + path + " takes application/json (" + sent + " was sent): send the header"
                + " Content-Type: application/json";
    }
}
