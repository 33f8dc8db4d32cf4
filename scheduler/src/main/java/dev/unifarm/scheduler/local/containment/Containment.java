package dev.unifarm.scheduler.local.containment;

import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.Confinement;
import dev.unifarm.scheduler.ContainmentSettings;
import dev.unifarm.scheduler.LaunchRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * How this host contains instances' QEMUs, the way Firecracker's jailer does (README, "Security"):
 * each QEMU runs as a uid of its own from {@link ContainmentSettings#uidFirst}, with no capabilities and
 * {@code no_new_privs}, in a mount namespace of its own (a private {@code /tmp}, its instance dir and
 * its image bound in, nothing else of the data dir reachable), in a cgroup of its own that caps its
 * memory, CPU and tasks, under QEMU's seccomp sandbox. What the host does not allow (a farm that is
 * not root, no cgroup memory controller) is left out and said: {@link #describe()}, {@link Confinement#note()}.
 */
public final class Containment {

    /**
     * QEMU's seccomp filter, on for every profile: no obsolete syscalls, no setuid/setgid, no
     * fork/exec (nothing a guest drives needs a helper process: user net, 9p and the console are
     * in-process), no scheduler or affinity changes. A guest that escapes device emulation meets it first.
     */
    public static final String SANDBOX = "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny";

    static final String UNSHARE = "unshare";
    static final String SETPRIV = "setpriv";

    private final ContainmentSettings settings;
    private final int farmUid;
    /** Why QEMU runs as the farm's user, or null when each gets its own uid. */
    private final String noOwnUser;
    private final Optional<CgroupHierarchy> cgroups;
    /** Why instances are not capped, or null when they are. */
    private final String noCaps;
    private final Set<Integer> held = ConcurrentHashMap.newKeySet();

    private Containment(ContainmentSettings settings, int farmUid, String noOwnUser, Optional<CgroupHierarchy> cgroups, String noCaps) {
        this.settings = settings;
        this.farmUid = farmUid;
        this.noOwnUser = noOwnUser;
        this.cgroups = cgroups;
        this.noCaps = noCaps;
    }

    /** What this host allows of {@code settings}: own uids and mounts when the farm is root and can unshare, caps when it can write cgroups. */
    public static Containment onThisHost(ContainmentSettings settings) {
        return forFarm(settings, farmUid(), Containment::canUnshare, CgroupHierarchy::detect);
    }

    /** {@link #onThisHost} for a farm running as {@code uid}, with these probes of the host. */
    static Containment forFarm(ContainmentSettings settings, int uid, Supplier<String> unshareProblem,
            Supplier<Optional<CgroupHierarchy>> cgroups) {
        if (!settings.enabled()) {
            return new Containment(settings, uid, "containment is switched off (unifarm.instances.containment.enabled=false)", Optional.empty(),
                    "containment is switched off");
        }
        if (uid != 0) {
            return new Containment(settings, uid, "the farm runs as uid " + uid + ", not root: QEMU runs as the farm's user", Optional.empty(),
                    "the farm is not root: it cannot write cgroups");
        }
        String unshare = unshareProblem.get();
        if (unshare != null) {
            return new Containment(settings, uid, unshare, Optional.empty(), "QEMU is not contained");
        }
        Optional<CgroupHierarchy> hierarchy = cgroups.get();
        if (hierarchy.isEmpty()) {
            return new Containment(settings, uid, null, hierarchy, "no cgroup memory controller is mounted");
        }
        String unwritable = hierarchy.get().unwritable();
        return new Containment(settings, uid, null, unwritable == null ? hierarchy : Optional.empty(), unwritable);
    }

    /** The defaults on this host, found out once per JVM (it runs a process). */
    public static Containment onThisHost() {
        return Defaults.HOST;
    }

    private static final class Defaults {
        static final Containment HOST = onThisHost(ContainmentSettings.defaults());
    }

    public ContainmentSettings settings() {
        return settings;
    }

    /** Whether each QEMU runs as its own uid in its own mount namespace. */
    public boolean ownUsers() {
        return noOwnUser == null;
    }

    /** One sentence for the start-up log: what instances run under, and what is missing. */
    public String describe() {
        if (noOwnUser != null) {
            return "QEMU runs as uid " + farmUid + " (" + noOwnUser + ")" + (settings.enabled() ? ", under its seccomp sandbox only" : "")
                    + "; no memory or CPU cap per instance";
        }
        return "each QEMU runs as its own uid from " + settings.uidFirst() + " in a mount namespace of its own, under its seccomp sandbox, "
                + cgroups.map(h -> "capped by cgroup " + (h.v2() ? "v2" : "v1") + " (memory: guest + " + settings.memoryHeadroomMiB() + " MiB"
                        + (settings.cpus() == null ? "" : ", " + settings.cpus() + " CPUs") + (settings.pids() == null ? "" : ", " + settings.pids() + " tasks") + ")")
                        .orElse("not capped: " + noCaps)
                + (settings.guestOutbound() ? "; guests may connect out (and reach this host's loopback)" : "; guests reach nothing beyond their forwarded port");
    }

    /** Whether a guest may connect out of its user network: when allowed, or when containment is off. */
    public boolean guestOutbound() {
        return !settings.enabled() || settings.guestOutbound();
    }

    /** The sandbox QEMU gets, or null (containment switched off). */
    String sandbox() {
        return settings.enabled() ? SANDBOX : null;
    }

    /**
     * Sets up the instance dir (and the cgroup) for one run of {@code request}; {@link Jail#release} undoes
     * it once QEMU is gone.
     */
    public Jail prepare(LaunchRequest request, Accelerator accel) throws IOException {
        Path dir = request.instanceDir();
        String cgroupName = cgroupName(request.instanceId(), dir);
        if (noOwnUser != null) {
            return Jail.unconfined(new Confinement(farmUid, farmUid, false, sandbox(), null, null, null, null, false, noOwnUser),
                    request.activation());
        }
        int uid = claimUid(dir);
        try {
            long limitMiB = settings.memoryLimitMiB() > 0 ? settings.memoryLimitMiB() : request.memoryMiB() + settings.memoryHeadroomMiB();
            Optional<InstanceCgroup> cgroup = cgroups.isEmpty() ? Optional.empty() : Optional.of(InstanceCgroup.create(cgroups.get(),
                    cgroupName, limitMiB * 1024 * 1024, settings.cpus(), settings.pids()));
            Confinement confinement = new Confinement(uid, uid, true, sandbox(), cgroup.map(c -> limitMiB).orElse(null),
                    cgroup.map(c -> settings.cpus()).orElse(null), cgroup.map(c -> settings.pids()).orElse(null),
                    cgroup.map(InstanceCgroup::describe).orElse(null), true,
                    cgroup.isPresent() ? null : "not capped: " + noCaps);
            return Jail.confined(dir, request.image(), accel, confinement, cgroup, farmUid, () -> held.remove(uid), request.activation(),
                    uidRange().snapshotGid());
        } catch (IOException | RuntimeException e) {
            held.remove(uid);
            throw e;
        }
    }

    /** A uid of the range no account, process or other instance of this farm has, held until the run's jail is released. */
    private synchronized int claimUid(Path dir) {
        int uid = uidRange().pick(dir.toString(), held::contains);
        held.add(uid);
        return uid;
    }

    private UidRange uidRange() {
        return new UidRange(settings.uidFirst(), settings.uidCount());
    }

    /** The jail an earlier farm set up for the QEMU now adopted from {@code dir}: its uid (the dir's owner) and cgroup. */
    public Jail adopted(String instanceId, Path dir) {
        int uid;
        try {
            uid = (Integer) Files.getAttribute(dir, "unix:uid");
        } catch (IOException | RuntimeException e) {
            uid = farmUid;
        }
        if (uid == farmUid || noOwnUser != null) {
            return Jail.unconfined(new Confinement(uid, uid, false, sandbox(), null, null, null, null, false, noOwnUser));
        }
        held.add(uid);
        int own = uid;
        Optional<InstanceCgroup> cgroup = cgroups.map(h -> InstanceCgroup.existing(h, cgroupName(instanceId, dir)));
        return Jail.adopted(dir, new Confinement(uid, uid, true, sandbox(), null, null, null, cgroup.map(InstanceCgroup::describe).orElse(null),
                true, "adopted: limits as an earlier farm set them"), cgroup, farmUid, () -> held.remove(own));
    }

    /** Unique per instance dir: two farms on one host may both have an instance {@code n1}. */
    static String cgroupName(String instanceId, Path dir) {
        return instanceId.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + Integer.toHexString(dir.toAbsolutePath().normalize().toString().hashCode());
    }

    private static int farmUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Null when this host lets the farm make a mount namespace, else why not. */
    private static String canUnshare() {
        List<String> probe = new ArrayList<>(List.of(UNSHARE, "--mount", "--propagation", "private", "--", SETPRIV, "--no-new-privs", "true"));
        try {
            Process process = new ProcessBuilder(probe).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes()).strip();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "`unshare --mount` did not return";
            }
            return process.exitValue() == 0 ? null : "`unshare --mount` failed here (" + output + "): QEMU runs as the farm's user";
        } catch (IOException e) {
            return "util-linux's unshare/setpriv are missing (" + e.getMessage() + "): QEMU runs as the farm's user";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while checking unshare";
        }
    }
}
