package dev.unifarm.scheduler.local.containment;

import dev.unifarm.imager.model.Image;
import dev.unifarm.imager.model.KernelProfile;
import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.Activation;
import dev.unifarm.scheduler.Confinement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * One run's containment ({@link Containment}): the wrapper QEMU is started through and what it undoes
 * once QEMU is gone. The wrapper is a root shell in a fresh mount namespace that binds the image's kernel
 * and root filesystem read-only into the instance dir, opens the console file for QEMU to append to,
 * mounts a private {@code /tmp} (and {@code /dev/shm}, {@code /var/tmp}), rebinds the instance dir at
 * {@link #INSIDE} (so every path QEMU resolves is one it can reach), joins the instance's cgroup, and
 * execs QEMU through {@code setpriv} as the instance's uid with no capabilities and {@code no_new_privs}:
 * the pid the farm holds is QEMU's. The instance dir stays the farm's; QEMU may create files only in
 * {@code vm/} (its QMP socket). A restore's jail also binds the snapshot's RAM file read-write (QEMU 7.2 opens it
 * {@code O_RDWR} even to map it privately), opens its state read-only as descriptor {@link #STATE_FD}, and gives
 * QEMU the snapshot group ({@link UidRange#snapshotGid()}) that owns the RAM file (docs/instances.md, "Snapshots").
 */
public final class Jail {

    private static final Logger LOG = Logger.getLogger(Jail.class);
    /** Where QEMU finds its instance dir inside its mount namespace: its own private /tmp. */
    /** QEMU's own dir inside the instance dir, the only place it may create files (its QMP socket). */
    public static final String VM_DIR = "vm";
    /** The serial console as QEMU writes it, relative to the instance dir (QEMU's working dir). */
    public static final String CONSOLE_RAW = "console.raw";
    static final String INSIDE = "/tmp/instance";
    static final String KERNEL = "kernel";
    static final String INITRD = "initrd";
    static final String ROOTFS = "rootfs";
    private static final Path KVM = Path.of("/dev/kvm");
    /** The descriptor the jail opens the console file on, and QEMU's fd set for it. */
    static final int CONSOLE_FD = 3;
    /** The descriptor a restoring QEMU reads the snapshot's state from ({@code migrate-incoming fd:4}). */
    public static final int STATE_FD = 4;
    /** The placeholder a restore's RAM file is bound over, in the instance dir. */
    static final String SNAPSHOT_RAM = "snapshot-ram";

    private final Path dir;
    private final Confinement confinement;
    private final Optional<InstanceCgroup> cgroup;
    private final List<String> script;
    private final int farmUid;
    private final Runnable freeUid;
    /** Null but for a restore run. */
    private final Activation.Restore restore;

    private Jail(Path dir, Confinement confinement, Optional<InstanceCgroup> cgroup, List<String> script, int farmUid,
            Runnable freeUid, Activation activation) {
        this.restore = activation instanceof Activation.Restore r ? r : null;
        this.dir = dir;
        this.confinement = confinement;
        this.cgroup = cgroup;
        this.script = script;
        this.farmUid = farmUid;
        this.freeUid = freeUid;
    }

    /** QEMU as the farm's user, as it is: the host allows no more. */
    public static Jail unconfined(Confinement confinement) {
        return unconfined(confinement, Activation.BOOT);
    }

    /** {@link #unconfined(Confinement)} for a run begun as {@code activation}. */
    public static Jail unconfined(Confinement confinement, Activation activation) {
        return new Jail(null, confinement, Optional.empty(), null, confinement.uid(), () -> { }, activation);
    }

    static Jail adopted(Path dir, Confinement confinement, Optional<InstanceCgroup> cgroup, int farmUid, Runnable freeUid) {
        return new Jail(dir, confinement, cgroup, null, farmUid, freeUid, Activation.BOOT);
    }

    static Jail confined(Path dir, Image image, Accelerator accel, Confinement confinement, Optional<InstanceCgroup> cgroup, int farmUid,
            Runnable freeUid) throws IOException {
        return confined(dir, image, accel, confinement, cgroup, farmUid, freeUid, Activation.BOOT, 0);
    }

    /** The jail of a run begun as {@code activation}; a restore's QEMU also gets group {@code snapshotGid}. */
    static Jail confined(Path dir, Image image, Accelerator accel, Confinement confinement, Optional<InstanceCgroup> cgroup, int farmUid,
            Runnable freeUid, Activation activation, int snapshotGid) throws IOException {
        boolean nineP = image.manifest().boot().rootfsDelivery() == KernelProfile.Delivery.NINE_P;
        // placeholders the image is bound over, in the farm's dir: QEMU may create files only in vm/
        for (String name : List.of(KERNEL, INITRD, ROOTFS, SNAPSHOT_RAM)) {
            deletePlaceholder(dir.resolve(name));
        }
        Files.createFile(dir.resolve(KERNEL));
        if (nineP) {
            Files.createDirectory(dir.resolve(ROOTFS));
        } else {
            Files.createFile(dir.resolve(INITRD));
        }
        readableToAll(image.kernel());
        readableToAll(image.initrd());
        int uid = confinement.uid();
        // The instance dir stays the farm's (QEMU may only pass through it): nothing QEMU does can turn a
        // file the farm writes or serves (console.log, console.raw, qemu.pid) into a link to another file.
        Files.setAttribute(dir, "unix:gid", confinement.gid());
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x---"));
        Path vm = dir.resolve(VM_DIR);
        Files.setAttribute(vm, "unix:uid", uid);
        Files.setAttribute(vm, "unix:gid", confinement.gid());
        Files.setPosixFilePermissions(vm, PosixFilePermissions.fromString("rwx------"));

        List<String> lines = new ArrayList<>();
        lines.add("set -e");
        lines.add("mount --bind -o ro " + quote(image.kernel()) + " " + KERNEL);
        lines.add("mount --bind -o ro " + quote(image.initrd()) + " " + (nineP ? ROOTFS : INITRD));
        // the console file is the farm's; QEMU gets only a descriptor to append to (-add-fd)
        lines.add("exec " + CONSOLE_FD + ">>" + CONSOLE_RAW);
        String groups = "--clear-groups";
        if (activation instanceof Activation.Restore restore) {
            // Every restoring QEMU must open the shared RAM file read-write: through its group, bound in read-write
            Files.createFile(dir.resolve(SNAPSHOT_RAM));
            Files.setAttribute(restore.ram(), "unix:gid", snapshotGid);
            Files.setPosixFilePermissions(restore.ram(), PosixFilePermissions.fromString("rw-rw----"));
            lines.add("mount --bind " + quote(restore.ram()) + " " + SNAPSHOT_RAM);
            lines.add("exec " + STATE_FD + "<" + quote(restore.state()));
            groups = "--groups=" + snapshotGid;
        }
        if (accel == Accelerator.kvm && Files.exists(KVM)) {
            // the jailer's way: a /dev/kvm node of the instance's own, bound over the host's (root-only) one
            lines.add("mount -t tmpfs -o size=16k,mode=0700 tmpfs /tmp");
            lines.add("mknod -m 0600 /tmp/kvm c $((0x$(stat -c %t /dev/kvm))) $((0x$(stat -c %T /dev/kvm)))");
            lines.add("chown " + uid + ":" + confinement.gid() + " /tmp/kvm && mount --bind /tmp/kvm /dev/kvm && umount -l /tmp");
        }
        lines.add("mount -t tmpfs -o size=4m,mode=1777,nosuid,nodev,noexec tmpfs /tmp");
        lines.add("for d in /dev/shm /var/tmp; do if [ -d $d ]; then mount -t tmpfs -o size=1m,mode=1777,nosuid,nodev,noexec tmpfs $d; fi; done");
        // -c: "." is the instance dir even where /tmp now hides the path to it
        lines.add("mkdir " + INSIDE + " && mount -c --rbind . " + INSIDE + " && cd " + INSIDE);
        cgroup.ifPresent(c -> c.procsFiles().forEach(procs -> lines.add("echo $$ > " + quote(procs))));
        lines.add("exec " + SETPRIV_ARGS.replace("{uid}", Integer.toString(uid)).replace("{gid}", Integer.toString(confinement.gid()))
                .replace("{groups}", groups) + " -- \"$@\"");
        return new Jail(dir, confinement, cgroup, lines, farmUid, freeUid, activation);
    }

    private static final String SETPRIV_ARGS = Containment.SETPRIV
            + " --reuid={uid} --regid={gid} {groups} --inh-caps=-all --bounding-set=-all --no-new-privs";

    public Confinement confinement() {
        return confinement;
    }

    public boolean confined() {
        return script != null;
    }

    /** The wrapper's script, kept beside {@code qemu.cmdline} as {@code jail.sh}: what QEMU was started through. */
    public String script() {
        return String.join("\n", script) + "\n";
    }

    /** Where QEMU's serial console chardev writes: the jail's descriptor, or the file itself when not confined. */
    public String consolePath() {
        return confined() ? "/dev/fdset/" + CONSOLE_FD : CONSOLE_RAW;
    }

    /** The {@code -add-fd} that hands QEMU the jail's console descriptor. */
    public List<String> consoleArgs() {
        return confined() ? List.of("-add-fd", "fd=" + CONSOLE_FD + ",set=" + CONSOLE_FD) : List.of();
    }

    /** The path QEMU opens the kernel by. */
    public String kernel(Image image) {
        return confined() ? KERNEL : image.kernel().toString();
    }

    /** The path QEMU opens the initrd (or shares the 9p tree) by. */
    public String rootfs(Image image) {
        boolean nineP = image.manifest().boot().rootfsDelivery() == KernelProfile.Delivery.NINE_P;
        return confined() ? (nineP ? ROOTFS : INITRD) : image.initrd().toString();
    }

    /** The path a restoring QEMU maps the snapshot's RAM file by. */
    public String snapshotRam(Activation.Restore restore) {
        return confined() ? SNAPSHOT_RAM : restore.ram().toString();
    }

    /**
     * {@code qemu} as the process to start: through the wrapper when confined; an unconfined restore through a
     * shell that opens the state as descriptor {@link #STATE_FD} and execs QEMU (the pid stays QEMU's).
     */
    public List<String> command(List<String> qemu) {
        if (!confined()) {
            if (restore == null) {
                return qemu;
            }
            List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "exec " + STATE_FD + "<\"$0\"; exec \"$@\"",
                    restore.state().toString()));
            command.addAll(qemu);
            return command;
        }
        List<String> command = new ArrayList<>(List.of(Containment.UNSHARE, "--mount", "--propagation", "private", "--",
                "/bin/sh", "-c", script(), "unifarm-jail"));
        command.addAll(qemu);
        return command;
    }

    /**
     * Once QEMU is gone: whether its cgroup's OOM killer ended it, then the cgroup removed, QEMU's
     * {@code vm/} handed back to the farm (not following links) and the uid freed (a later instance may get it).
     */
    public boolean release() {
        boolean capped = cgroup.map(c -> c.oomKills() > 0).orElse(false);
        cgroup.ifPresent(InstanceCgroup::remove);
        if (dir != null && confinement.ownUser()) {
            Path vm = dir.resolve(VM_DIR);
            try (Stream<Path> files = Files.walk(vm)) {
                for (Path file : files.toList()) {
                    Files.setAttribute(file, "unix:uid", farmUid, LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(file, "unix:gid", farmUid, LinkOption.NOFOLLOW_LINKS);
                }
                Files.setAttribute(dir, "unix:gid", farmUid);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            } catch (IOException | RuntimeException e) {
                LOG.warnf("cannot hand %s back to the farm: %s", dir, e.getMessage());
            }
            for (String name : List.of(KERNEL, INITRD, ROOTFS, SNAPSHOT_RAM)) {
                deletePlaceholder(dir.resolve(name));
            }
        }
        freeUid.run();
        return capped;
    }

    private static void deletePlaceholder(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.debugf("placeholder %s stays: %s", path, e.getMessage());
        }
    }

    /**
     * The store writes blobs owner-only; QEMU reads its image as another uid, through the bind mount only
     * (the data dir is the farm's alone), so the file itself may be readable to all.
     */
    private static void readableToAll(Path file) throws IOException {
        var permissions = Files.getPosixFilePermissions(file);
        if (!permissions.contains(PosixFilePermission.OTHERS_READ)) {
            permissions.add(PosixFilePermission.OTHERS_READ);
            if (Files.isDirectory(file)) {
                permissions.add(PosixFilePermission.OTHERS_EXECUTE);
            }
            Files.setPosixFilePermissions(file, permissions);
        }
    }

    static String quote(Object value) {
        return "'" + value.toString().replace("'", "'\\''") + "'";
    }
}
