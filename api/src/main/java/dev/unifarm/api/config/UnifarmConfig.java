package dev.unifarm.api.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The farm's configuration ({@code unifarm.*}); env {@code UNIFARM_DATA_DIR} sets the data dir. */
@ConfigMapping(prefix = "unifarm")
public interface UnifarmConfig {

    /** Everything the farm writes lives below this directory. */
    Path dataDir();

    Runtimes runtimes();

    Kernels kernels();

    Api api();

    Instances instances();

    Builds builds();

    interface Runtimes {
        /** The runtime store: {@code <dir>/Microsoft.NETCore.App/<version>/}; {@code POST /api/v1/runtimes} installs here. */
        Path dir();

        /** More runtime stores of the same layout, only read (e.g. one shared by several farms); {@code dir} wins. */
        Optional<List<Path>> readOnlyDirs();

        /** Largest unpacked runtime archive accepted. */
        @WithDefault("1073741824")
        long maxArchiveBytes();
    }

    interface Kernels {
        Linux linux();

        interface Linux {
            /** The stock Linux kernel image booted by the {@code linux} profile. */
            Path kernel();
        }
    }

    interface Api {
        /** A fixed bearer token; without one the farm generates {@code <data-dir>/api-token}. */
        Optional<String> token();
    }

    interface Instances {
        /** Guest memory when the app spec sets none; CoreCLR plus a RAM-held initrd need a few hundred MiB. */
        @WithDefault("512")
        int defaultMemoryMib();

        /** How long QEMU gets to quit over QMP before it is killed. */
        @WithDefault("PT5S")
        Duration stopGrace();
    }

    interface Builds {
        /** Image builds run at once (each is I/O and CPU heavy). */
        @WithDefault("1")
        int concurrency();

        /** Largest unpacked bundle accepted. */
        @WithDefault("1073741824")
        long maxBundleBytes();
    }
}
