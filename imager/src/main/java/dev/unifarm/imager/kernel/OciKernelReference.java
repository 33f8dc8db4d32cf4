package dev.unifarm.imager.kernel;

import dev.unifarm.imager.model.ImagerException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A kernel profile's OCI kernel: {@code [http://|https://]host[:port]/repository(@sha256:…|:tag)}, a
 * KraftKit-style unikernel image whose layer holds {@code /unikraft/bin/kernel}. {@code http://}
 * speaks plain HTTP (a loopback registry); no scheme means TLS.
 *
 * @param registryUrl what {@link OciRegistry} is built from
 * @param repository the repository path inside the registry
 * @param tagOrDigest {@code :tag} or {@code @sha256:…}, as written
 */
public record OciKernelReference(String registryUrl, String repository, String tagOrDigest) {

    private static final Pattern FORM = Pattern.compile(
            "((?:https?://)?[A-Za-z0-9.\\-]+(?::\\d+)?)/([a-z0-9]+(?:[._\\-/][a-z0-9]+)*)(@sha256:[0-9a-f]{64}|:[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,127})");

    public static OciKernelReference parse(String location) {
        Matcher m = FORM.matcher(location);
        if (!m.matches()) {
            throw new ImagerException("kernel-reference", "the OCI kernel reference \"" + location + "\" is not of the form"
                    + " [http://]host[:port]/repository@sha256:<hex> or …/repository:<tag>");
        }
        return new OciKernelReference(m.group(1), m.group(2), m.group(3));
    }

    /** The reference ORAS resolves: {@code repository@sha256:…} or {@code repository:tag}. */
    public String repositoryReference() {
        return repository + tagOrDigest;
    }

    boolean byDigest() {
        return tagOrDigest.startsWith("@");
    }
}
