package dev.unifarm.api.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unifarm.api.apps.AppService;
import dev.unifarm.api.apps.AppSpecParser;
import dev.unifarm.api.config.GatewayConfig;
import dev.unifarm.api.config.OperatorConfig;
import dev.unifarm.api.config.UnifarmConfig;
import dev.unifarm.api.coverage.CoverageService;
import dev.unifarm.api.coverage.NeedsResults;
import dev.unifarm.api.front.AppDeletion;
import dev.unifarm.api.gateway.GatewayServer;
import dev.unifarm.api.instances.InstanceService;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Runs the DotnetApp operator ({@code unifarm.operator.enabled}) on the Quarkus-managed fabric8 client:
 * started once the farm has started (builds resumed, instances recovered), stopped on shutdown. With
 * several api replicas only the holder of the Lease {@code unifarm.operator.lease-name} reconciles.
 */
@ApplicationScoped
public class OperatorRunner {

    private static final Logger LOG = Logger.getLogger(OperatorRunner.class);
    /** After the farm's own start-up observers (default priority 2500). */
    private static final int AFTER_FARM_START = 5000;

    private final UnifarmConfig config;
    private final Instance<KubernetesClient> clients;
    private final AppService apps;
    private final AppDeletion deletion;
    private final InstanceService instances;
    private final CoverageService coverage;
    private final NeedsResults needs;
    private final BundleFetcher fetcher;
    private final AppSpecParser specs;
    private final ObjectMapper json;
    private final GatewayServer gateway;
    private Operator operator;
    private String identity;
    private volatile boolean leading;
    private volatile boolean stopping;

    OperatorRunner(UnifarmConfig config, Instance<KubernetesClient> clients, AppService apps, AppDeletion deletion,
            InstanceService instances, CoverageService coverage, NeedsResults needs, BundleFetcher fetcher, AppSpecParser specs,
            ObjectMapper json, GatewayServer gateway) {
        this.gateway = gateway;
        this.config = config;
        this.clients = clients;
        this.apps = apps;
        this.deletion = deletion;
        this.instances = instances;
        this.coverage = coverage;
        this.needs = needs;
        this.fetcher = fetcher;
        this.specs = specs;
        this.json = json;
    }

    void atStart(@Observes @Priority(AFTER_FARM_START) StartupEvent event) {
        OperatorConfig settings = config.operator();
        if (!settings.enabled()) {
            return;
        }
        KubernetesClient client = clients.get();
        String leaseNamespace = settings.leaseNamespace().orElse(Optional.ofNullable(client.getNamespace()).orElse("default"));
        identity = settings.identity().orElseGet(OperatorRunner::defaultIdentity);
        Clock clock = Clock.systemUTC();
        DotnetAppReconciler reconciler = new DotnetAppReconciler(apps, deletion, fetcher, specs,
                json, new OperatorEvents(client, clock), new InstanceCounter(instances, coverage, needs, gatewayUrl()),
                settings.resync(), clock);
        operator = new Operator(o -> o.withKubernetesClient(client)
                .withCloseClientOnStop(false)
                // Plain JSON merge patches for status and finalizers: the simplest API servers (and the mock) take them.
                .withUseSSAToPatchPrimaryResource(false)
                .withLeaderElectionConfiguration(leaderElection(settings.leaseName(), leaseNamespace)));
        operator.register(reconciler, o -> {
            if (settings.namespaces().isPresent() && !settings.namespaces().get().isEmpty()) {
                o.settingNamespaces(Set.copyOf(settings.namespaces().get()));
            } else {
                o.watchingAllNamespaces();
            }
        });
        operator.start();
        LOG.infof("DotnetApp operator started as %s (lease %s/%s, namespaces %s)", identity, leaseNamespace,
                settings.leaseName(), settings.namespaces().map(Object::toString).orElse("all"));
    }

    /**
     * Not JOSDK's exit-on-stop-leading: it calls {@code System.exit} from the shutdown hook when the farm
     * stops (a JVM exit inside a shutdown hook hangs). A replica that loses the lease while running shuts the
     * farm down instead, so two replicas never reconcile at once; Kubernetes restarts it as a follower.
     */
    private LeaderElectionConfiguration leaderElection(String leaseName, String leaseNamespace) {
        LeaderCallbacks callbacks = new LeaderCallbacks(() -> {
            leading = true;
            LOG.infof("%s leads the DotnetApp operator (lease %s/%s)", identity, leaseNamespace, leaseName);
        }, () -> {
            leading = false;
            if (!stopping) {
                LOG.errorf("%s lost the lease %s/%s: shutting the farm down so that only the new leader reconciles",
                        identity, leaseNamespace, leaseName);
                Quarkus.asyncExit(1);
            }
        }, leader -> LOG.infof("DotnetApp operator leader: %s", leader));
        return new LeaderElectionConfiguration(leaseName, leaseNamespace, LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE, LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                identity, callbacks, false);
    }

    /** Whether this replica holds the lease and reconciles. */
    public boolean leading() {
        return leading;
    }

    void atStop(@Observes ShutdownEvent event) {
        stopping = true;
        if (operator != null) {
            operator.stop();
            operator = null;
        }
    }

    /** This replica's name in the leader-election Lease (null while the operator is off). */
    public String identity() {
        return identity;
    }

    private String gatewayUrl() {
        GatewayConfig settings = config.gateway();
        int port = settings.enabled() ? gateway.port() : settings.port(); // the port picked for 0 (tests)
        return config.operator().publicGatewayUrl().orElse("http://" + settings.host() + ":" + port);
    }

    private static String defaultIdentity() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unifarm";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
