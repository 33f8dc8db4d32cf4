package dev.unifarm.imager;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the imager keeps its things and the limits it holds intake to.
 *
 * @param store the content-addressed image store (also an OCI image layout)
 * @param runtimes where registered .NET runtimes are installed
 * @param readOnlyRuntimes further runtime dirs searched, never written
 * @param layerCache the encoded runtime layers and native closures reused across builds
 * @param maxBundleBytes a bundle unpacks to at most this much
 * @param maxBundleEntries a bundle holds at most this many entries
 * @param maxRuntimeArchiveBytes a runtime archive unpacks to at most this much
 */
public record ImagerSettings(Path store, Path runtimes, List<Path> readOnlyRuntimes, Path layerCache, long maxBundleBytes,
        int maxBundleEntries, long maxRuntimeArchiveBytes) {

    public ImagerSettings {
        readOnlyRuntimes = List.copyOf(readOnlyRuntimes);
    }
}
