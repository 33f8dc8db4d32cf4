package dev.unifarm.api.config;

import dev.unifarm.scheduler.AcceleratorSetting;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The farm's configuration ({@code unifarm.*}); env {@code UNIFARM_DATA_DIR} sets the data dir. */
@ConfigMapping(prefix = "unifarm")
public interface UnifarmConfig {

    /** Everything the farm writes lives below this directory. */
    Path dataDir();

    Runtimes runtimes();

    /** Kernel profiles by name ({@code unifarm.kernels.<name>.*}); an app spec's {@code kernel} picks one. */
    Map<String, Kernel> kernels();

    Api api();

    Instances instances();

    Builds builds();

    /** Syscall coverage: how reference runs ({@code POST /api/v1/apps/{name}/coverage/reference}) end. */
    Coverage coverage();

    /** The OCI registry the farm pushes built images to and pulls missing ones from; none by default. */
    Registry registry();

    /** Where instances run: QEMU on this host, or launcher Pods in a Kubernetes cluster. */
    SchedulerSettings scheduler();

    /** {@code local}: QEMU processes on the farm's host; {@code kubernetes}: one launcher Pod per instance. */
    enum SchedulerMode {
        local, kubernetes
    }

    interface SchedulerSettings {
        @WithDefault("local")
        SchedulerMode mode();

        /**
         * {@code auto}: KVM where a test guest runs under it within {@link #acceleratorProbeTimeout()}, else
         * TCG; {@code kvm}: the farm refuses to start where it does not; {@code tcg}: KVM is never tried.
         * In Kubernetes mode every launcher Pod gets this setting and probes its own node.
         */
        @WithDefault("auto")
        AcceleratorSetting accelerator();

        /** How long the accelerator probe's test guest gets to print its marker (a working KVM: a few ms). */
        @WithDefault("PT3S")
        Duration acceleratorProbeTimeout();

        /** Used in {@code kubernetes} mode only. */
        Kubernetes kubernetes();
    }

    /**
     * Launcher Pods ({@code unifarm.scheduler.kubernetes.*}). The API server is the client's usual
     * configuration (in-cluster service account, {@code ~/.kube/config}, {@code KUBERNETES_MASTER})
     * unless {@code master-url} names one.
     */
    interface Kubernetes {
        Optional<String> masterUrl();

        /** Where launcher Pods go; default the client's namespace ({@code default} outside a cluster). */
        Optional<String> namespace();

        /** The image that runs {@code dev.unifarm.scheduler.launcher.Launcher} (JRE, QEMU, the scheduler jar). */
        @WithDefault("ghcr.io/unifarm/launcher:0.1.0")
        String launcherImage();

        /** Extended resource for {@code /dev/kvm} (KubeVirt's device plugin); {@code none} requests none (TCG). */
        @WithDefault("devices.kubevirt.io/kvm")
        String kvmResource();

        @WithDefault("1")
        int kvmCount();

        /** Node labels a launcher Pod needs, e.g. {@code node-selector."unifarm.dev/kvm"=true}. */
        Map<String, String> nodeSelector();

        /** {@code key[=value][:Effect]} each; no value means operator {@code Exists}, no effect every effect. */
        Optional<List<String>> tolerations();

        /** The launcher's HTTP port: status, console, readiness. */
        @WithDefault("8080")
        int statusPort();

        /** Memory for QEMU and the launcher JVM on top of the guest's, requested and limited. */
        @WithDefault("128")
        int qemuOverheadMib();

        @WithDefault("250m")
        String cpuRequest();

        /** How long the farm waits for a launcher's {@code /status} or {@code /console}. */
        @WithDefault("PT5S")
        Duration launcherTimeout();

        /** The owner every launcher Pod gets (e.g. the farm's Deployment), so deleting it deletes them; none by default. */
        Owner owner();

        /** The launcher's (and QEMU's) uid in its Pod: never 0; 107 is KubeVirt's virt-launcher {@code qemu} user. */
        @WithDefault("107")
        long runAsUser();

        /** Its gid, also the Pod's {@code fsGroup}. */
        @WithDefault("107")
        long runAsGroup();

        /** Extra gids, e.g. the node's {@code kvm} group where {@code /dev/kvm} is {@code 0660 root:kvm}. */
        Optional<List<Long>> supplementalGroups();
    }

    /** An owner reference: all of api-version, kind, name and uid, or none of them. */
    interface Owner {
        Optional<String> apiVersion();

        Optional<String> kind();

        Optional<String> name();

        Optional<String> uid();
    }

    /** The on-demand gateway (docs/architecture.md, "Gateway"): {@code /{app}/…} on its own port. */
    Gateway gateway();

    /** The {@code DotnetApp} operator: off unless enabled; the API server is the Quarkus kubernetes-client's. */
    Operator operator();

    interface Operator {
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

    interface Runtimes {
        /** The runtime store: {@code <dir>/Microsoft.NETCore.App/<version>/}; {@code POST /api/v1/runtimes} installs here. */
        Path dir();

        /** More runtime stores of the same layout, only read (e.g. one shared by several farms); {@code dir} wins. */
        Optional<List<Path>> readOnlyDirs();

        /** Largest unpacked runtime archive accepted. */
        @WithDefault("1073741824")
        long maxArchiveBytes();
    }

    /**
     * One kernel profile as data (docs/architecture.md, "Kernel profiles"). Unset fields take the
     * defaults of the command-line kind: {@code linux} = initrd, linux-panic, derived stack, 30 env
     * entries; {@code unikraft} = initrd, the compatibility layer's exit line (unifarm-compat), the recorded
     * app-elfloader stack, 8 env entries, non-PIE hosts through their ELF interpreter.
     */
    interface Kernel {
        /** The kernel image file (e.g. the stock Linux kernel of the {@code linux} profile). */
        Optional<Path> kernel();

        /** An OCI reference for the kernel instead of a file ({@code [http://]host:port/repo@sha256:…}), pulled at build time. */
        Optional<String> kernelOci();

        @WithDefault("x86_64")
        String arch();

        /** {@code linux} or {@code unikraft}. */
        @WithDefault("linux")
        String commandLine();

        /** {@code initrd} or {@code 9pfs}. */
        Optional<String> delivery();

        /** Env entries the command line carries. */
        Optional<Integer> maxEnv();

        /** {@code linux-panic} or {@code none}. */
        Optional<String> exit();

        /** Start an ET_EXEC host through its ELF interpreter (kernels that load only PIE). */
        Optional<Boolean> nonPieViaInterpreter();

        /** The application stack's start, e.g. {@code 0x400040000} (with {@code stack-end}: source {@code configured}). */
        Optional<String> stackStart();

        Optional<String> stackEnd();

        /**
         * A probe boot's console log with app-elfloader's {@code Application stack at 0x… - 0x…}
         * line: the stack is read from it (source {@code calibrated}).
         */
        Optional<Path> stackCalibrationLog();

        /**
         * Where the kernel's syscall table comes from: its unstripped {@code .dbg} image (the
         * {@code uk_syscall_r_<name>} symbols) or a listing of those symbol names, one a line.
         */
        Optional<Path> syscallsSymbols();

        /** Or the kernel build's {@code provided_syscalls.in} ({@code name-<nargs>[e|u]} lines). */
        Optional<Path> providedSyscalls();
    }

    interface Api {
        /** A fixed bearer token; without one the farm generates {@code <data-dir>/api-token}. */
        Optional<String> token();

        /**
         * More tokens by name ({@code unifarm.api.tokens.<name>.value}, {@code .access}), accepted beside
         * the one above: e.g. one per CI job, or a read-only one for dashboards.
         */
        Map<String, Token> tokens();
    }

    /** One configured bearer token; the name only appears in logs and 403 details, never the value. */
    interface Token {
        String value();

        /** {@code read-write} (every call) or {@code read-only} ({@code GET}/{@code HEAD} only; anything else is 403). */
        @WithDefault("read-write")
        Access access();
    }

    /** What a token may do; written {@code read-write} / {@code read-only} in configuration. */
    enum Access {
        READ_WRITE, READ_ONLY
    }

    /** Backpressure: requests beyond these get 429 problem+json with {@code Retry-After} at once, never a wait. */
    Limits limits();

    interface Limits {
        /** Uploads ({@code POST /api/v1/apps}) in flight at once, counted from their first byte to their response. */
        @WithDefault("4")
        int uploads();

        /** Instance starts ({@code POST /api/v1/apps/{name}/instances}) in flight at once. */
        @WithDefault("8")
        int starts();

        /** What {@code Retry-After} tells a refused client (whole seconds, at least 1). */
        @WithDefault("PT2S")
        Duration retryAfter();
    }

    interface Instances {
        /** Guest memory when the app spec sets none; CoreCLR plus a RAM-held initrd need a few hundred MiB. */
        @WithDefault("512")
        int defaultMemoryMib();

        /** How long QEMU gets to quit over QMP before it is killed. */
        @WithDefault("PT5S")
        Duration stopGrace();

        /**
         * How long the guest gets after QMP {@code system_powerdown} before {@code quit}. Our Linux
         * guest ignores the power button (no ACPI handling in its init), so this is paid on every stop.
         */
        @WithDefault("PT3S")
        Duration powerdownWait();

        /** The longest wait for any QMP answer; none means QMP is unusable and QEMU is killed. */
        @WithDefault("PT5S")
        Duration qmpTimeout();

        /** A VM whose console shows a fatal line and that has not ended this long after it is stopped: {@code Failed} with its diagnosis' reason, else {@code Hung}. */
        @WithDefault("PT10S")
        Duration watchdogGrace();

        /**
         * A booting instance with no app output this long after QEMU started is stopped and ends
         * {@code Failed}/{@code BootTimeout}; unset: 60 s under KVM, 3 min under TCG.
         */
        Optional<Duration> bootTimeout();

        /** Restart backoff: the first delay, doubled per restart up to the cap. */
        @WithDefault("PT1S")
        Duration restartBackoffInitial();

        @WithDefault("PT60S")
        Duration restartBackoffCap();

        /** A run at least this long starts the backoff series again. */
        @WithDefault("PT2M")
        Duration restartBackoffReset();

        /** The local host's budget for instances; starts beyond it stay Pending until room frees up. */
        Capacity capacity();

        /** What each local QEMU runs under (README, "Security"). */
        Containment containment();
    }

    interface Containment {
        /** Off only to measure what containment costs: QEMU then runs as the farm's user, without sandbox or caps. */
        @WithDefault("true")
        boolean enabled();

        /** The first uid (and gid) of the range instances' QEMUs run as, one each; none may be a host account's. */
        @WithDefault("900000")
        int uidFirst();

        @WithDefault("65536")
        int uidCount();

        /** Memory QEMU may use beside the guest's before its cgroup stops it: TCG's code buffer, device state, page cache. */
        @WithDefault("256")
        long memoryHeadroomMib();

        /** One memory cap (MiB) for every instance instead of guest memory + headroom; 0 for that sum. */
        @WithDefault("0")
        long memoryLimitMib();

        /** CPU quota per instance, in CPUs: the vCPU's thread plus QEMU's I/O. */
        @WithDefault("1.5")
        double cpus();

        /** Tasks (QEMU's threads) per instance. */
        @WithDefault("256")
        int pidsMax();

        /**
         * Whether guests may open connections out of their user network. Off, a guest reaches nothing but its
         * forwarded port; on, it also reaches this host's loopback (QEMU's 10.0.2.2): the farm's API and database.
         */
        @WithDefault("false")
        boolean guestOutbound();
    }

    interface Capacity {
        /** Memory (MiB) for all instances together, guest memory + overhead each; default 75% of the host's RAM. */
        Optional<Long> memoryMib();

        /** vCPUs for all instances together (one each); default the host's processors. */
        Optional<Integer> vcpus();

        /** QEMU's own memory per instance beside the guest's. */
        @WithDefault("64")
        long overheadMib();

        /** Instances booting at once; default the host's processors. */
        Optional<Integer> maxBooting();
    }

    interface Registry {
        /**
         * e.g. {@code http://127.0.0.1:5000}: {@code http://} is plain HTTP without auth (a registry on
         * loopback or a trusted network), {@code https://} uses TLS and the host's container credentials.
         */
        Optional<String> url();

        /** Images go to {@code <prefix>/<app>}, by digest. */
        @WithDefault("unifarm")
        String repositoryPrefix();
    }

    interface Gateway {
        /** Off: no gateway port is opened and no instances are kept warm. */
        @WithDefault("true")
        boolean enabled();

        /** Loopback by default, like the API. */
        @WithDefault("127.0.0.1")
        String host();

        /** 0 = any free port (tests). */
        @WithDefault("8081")
        int port();

        /** With {@code example.test}, {@code Host: shop.example.test} routes to app {@code shop} as {@code /shop/…} does. */
        Optional<String> domain();

        /** The longest a request waits for a ready instance (a cold start or a scale-out); then 504. */
        @WithDefault("PT60S")
        Duration activationTimeout();

        /** Scaling when the app spec's {@code scaling} leaves it unset. */
        @WithDefault("PT5M")
        Duration defaultIdleTimeout();

        @WithDefault("1")
        int defaultMaxInstances();

        /** In-flight requests per instance before another starts; 0 = unlimited. */
        @WithDefault("0")
        int defaultMaxConcurrency();
    }

    interface Coverage {
        /**
         * An app without a port that has not ended this long after its first console line is powered
         * down (SIGTERM to the app): its trace then covers start-up and a few seconds of its work.
         */
        @WithDefault("PT5S")
        Duration referenceSettle();

        /**
         * How long a powered-down reference run gets to end its app, let strace finish and print the
         * trace on the console before {@code quit} (which loses the trace); far above a traced guest's
         * few seconds under TCG, and paid in full only by an app that ignores SIGTERM.
         */
        @WithDefault("PT60S")
        Duration referenceStopWait();

        /** A reference run still going this long after its start is powered down. */
        @WithDefault("PT10M")
        Duration referenceLimit();
    }

    interface Builds {
        /** Image builds run at once (each is I/O and CPU heavy). */
        @WithDefault("1")
        int concurrency();

        /** Largest unpacked bundle accepted. */
        @WithDefault("1073741824")
        long maxBundleBytes();

        /** Most files and folders a bundle may hold. */
        @WithDefault("50000")
        int maxBundleEntries();

        /**
         * Largest upload request accepted, refused with 413 problem+json before it is read. Keep
         * {@code quarkus.http.limits.max-body-size} above it: that hard ceiling answers 413 without a body.
         */
        @WithDefault("1073741824")
        long maxUploadBytes();
    }
}
