package dev.unifarm.api.config;

import io.smallrye.config.ConfigMapping;
import java.nio.file.Path;
import java.util.Map;

/** The farm's configuration ({@code unifarm.*}); env {@code UNIFARM_DATA_DIR} sets the data dir. */
@ConfigMapping(prefix = "unifarm")
public interface UnifarmConfig {

    /** Everything the farm writes lives below this directory. */
    Path dataDir();

    RuntimesConfig runtimes();

    /** Kernel profiles by name ({@code unifarm.kernels.<name>.*}); an app spec's {@code kernel} picks one. */
    Map<String, KernelConfig> kernels();

    ApiConfig api();

    InstancesConfig instances();

    BuildsConfig builds();

    /** Syscall coverage: how reference runs ({@code POST …/coverage/reference}) and needs sweeps ({@code …/coverage/needs}) end. */
    CoverageConfig coverage();

    /** The OCI registry the farm pushes built images to and pulls missing ones from; none by default. */
    RegistryConfig registry();

    /** Where instances run: QEMU on this host, or launcher Pods in a Kubernetes cluster. */
    SchedulerConfig scheduler();

    /** The on-demand gateway (docs/gateway.md, "Gateway"): {@code /{app}/…} on its own port. */
    GatewayConfig gateway();

    /** The {@code DotnetApp} operator: off unless enabled; the API server is the Quarkus kubernetes-client's. */
    OperatorConfig operator();

    /** Backpressure: requests beyond these get 429 problem+json with {@code Retry-After} at once, never a wait. */
    LimitsConfig limits();
}
