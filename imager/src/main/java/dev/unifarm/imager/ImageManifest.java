package dev.unifarm.imager;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What an image is: kernel, initrd blob, how to start the app, and what it is made of. Its sha256
 * (canonical JSON) names the image, so the same inputs always give the same digest.
 *
 * @param profile kernel profile name
 * @param kernel kernel image path on the farm
 * @param kernelDigest sha256 of the kernel image, so a replaced kernel makes a new image
 * @param initrd digest of the cpio newc initrd blob
 * @param executable the program the kernel starts (the .NET host)
 * @param entrypoint the app's main assembly inside the image
 * @param args the app's default arguments
 * @param env the app's environment, including the runtime settings the imager adds
 * @param runtime the .NET runtime version in the image
 * @param sizes bytes per part: app, runtime, libraries, initrd
 */
public record ImageManifest(int schemaVersion, String profile, String kernel, String kernelDigest, String initrd, String executable,
        String entrypoint, List<String> args, SortedMap<String, String> env, String runtime,
        SortedMap<String, Long> sizes) {

    public static final int SCHEMA_VERSION = 1;

    public ImageManifest {
        args = List.copyOf(args);
        env = new TreeMap<>(env);
        sizes = new TreeMap<>(sizes);
    }

    /** The kernel command line for this image, optionally with one instance's overrides. */
    public String commandLine(List<String> argsOverride, Map<String, String> envOverride) {
        List<String> argv = new ArrayList<>();
        argv.add(entrypoint);
        argv.addAll(argsOverride != null ? argsOverride : args);
        SortedMap<String, String> merged = new TreeMap<>(env);
        if (envOverride != null) {
            merged.putAll(envOverride);
        }
        return LinuxCommandLine.render(executable, argv, merged);
    }

    public String commandLine() {
        return commandLine(null, null);
    }
}
