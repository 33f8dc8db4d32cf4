package dev.unifarm.api.config;

import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** {@code unifarm.runtimes.*}: the .NET runtime stores framework-dependent apps take their runtime from. */
public interface RuntimesConfig {
    /** The runtime store: {@code <dir>/Microsoft.NETCore.App/<version>/}; {@code POST /api/v1/runtimes} installs here. */
    Path dir();

    /** More runtime stores of the same layout, only read (e.g. one shared by several farms); {@code dir} wins. */
    Optional<List<Path>> readOnlyDirs();

    /** Largest unpacked runtime archive accepted. */
    @WithDefault("1073741824")
    long maxArchiveBytes();
}
