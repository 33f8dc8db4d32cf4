package dev.unifarm.imager;

import dev.unifarm.imager.model.DotnetRuntime;
import dev.unifarm.imager.model.RuntimeVersion;
import dev.unifarm.imager.runtime.RuntimeArchiveInstaller;
import dev.unifarm.imager.runtime.RuntimeStore;
import java.nio.file.Path;
import java.util.List;

/** The .NET runtimes images are built with: register Microsoft's runtime archives, list what is installed. */
public final class Runtimes {

    /** The shared framework the farm registers and lists. */
    public static final String FRAMEWORK = RuntimeArchiveInstaller.FRAMEWORK;
    /** Entries a runtime archive may hold, as the farm has always capped them. */
    private static final int MAX_ARCHIVE_ENTRIES = 20_000;

    private final RuntimeStore store;
    private final RuntimeArchiveInstaller installer;

    Runtimes(RuntimeStore store, long maxArchiveBytes) {
        this.store = store;
        this.installer = new RuntimeArchiveInstaller(store, maxArchiveBytes, MAX_ARCHIVE_ENTRIES);
    }

    /** Installs a {@code dotnet-runtime-<v>-linux-x64.tar.gz}; an installed version is never replaced ({@code runtime-exists}). */
    public DotnetRuntime install(Path archive) {
        return installer.install(archive);
    }

    /** The installed versions of {@code framework}, oldest first. */
    public List<RuntimeVersion> installed(String framework) {
        return store.installed(framework);
    }
}
