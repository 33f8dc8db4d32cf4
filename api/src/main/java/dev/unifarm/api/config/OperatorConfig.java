package dev.unifarm.api.config;

import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code unifarm.operator.*}: which DotnetApps the operator reconciles, its lease and its {@code url} sources. */
public interface OperatorConfig {
    @WithDefault("false")
    boolean enabled();

    /** Namespaces whose DotnetApps are reconciled; none = every namespace. */
    Optional<List<String>> namespaces();

    /** The leader-election Lease's namespace; default the client's namespace. */
    Optional<String> leaseNamespace();

    @WithDefault("unifarm-operator")
    String leaseName();

    /** This replica's name in the Lease; default host name + a random suffix. */
    Optional<String> identity();

    /** How often a resource's build and instances are looked at again while nothing in Kubernetes changes. */
    @WithDefault("PT5S")
    Duration resync();

    /** The longest a {@code url} source's download may take. */
    @WithDefault("PT5M")
    Duration fetchTimeout();

    /** A PKCS12 trust store for {@code url} sources (e.g. a private CA), instead of the JDK's. */
    Optional<Path> urlTrustStore();

    Optional<String> urlTrustStorePassword();

    /** The gateway's URL as users reach it, for the status' {@code url}; default {@code http://<gateway host>:<port>}. */
    Optional<String> publicGatewayUrl();
}
