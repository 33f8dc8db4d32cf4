package dev.unifarm.scheduler.local;

import dev.unifarm.scheduler.Accelerator;
import dev.unifarm.scheduler.Capacity;
import dev.unifarm.scheduler.ContainmentSettings;
import dev.unifarm.scheduler.Lifecycle;
import dev.unifarm.scheduler.console.ConsoleTail;
import dev.unifarm.scheduler.local.containment.Containment;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;

/**
 * How a {@link LocalScheduler} runs its instances. {@link #of} gives the defaults (this host's
 * capacity and containment, app ports forwarded on loopback, the system clock); each {@code with…}
 * changes one of them.
 *
 * @param accel what QEMU runs under (an {@link AcceleratorProbe} choice)
 * @param node the node name every status carries
 * @param lifecycle the stop sequence's timings, restart backoff, watchdog grace and boot bound
 * @param capacity what may run at once ({@link Admission})
 * @param consoleRawCapBytes when each instance's {@code console.raw} is copy-truncated (see {@link ConsoleTail})
 * @param forwardHost the address QEMU binds each app's forwarded host port on: {@code 127.0.0.1} in local
 *     mode, {@code 0.0.0.0} in a launcher Pod so that the farm reaches the app at the Pod's IP
 * @param containment what each QEMU runs under (its uid, mounts, cgroup caps and sandbox)
 */
public record LocalOptions(Accelerator accel, String node, Lifecycle lifecycle, Clock clock, Capacity capacity, long consoleRawCapBytes,
        String forwardHost, Containment containment) {

    /** The stop grace of the defaults: how long QEMU has to quit before it is killed. */
    static final Duration STOP_GRACE = Duration.ofSeconds(5);
    /** console.raw's cap: like console.log's, so both stay bounded. */
    static final long CONSOLE_RAW_BYTES = 8L * 1024 * 1024;

    /** The defaults on node {@code node}. */
    public static LocalOptions of(Accelerator accel, String node) {
        return new LocalOptions(accel, node, Lifecycle.defaults(STOP_GRACE), Clock.systemUTC(), Capacity.ofHost(), CONSOLE_RAW_BYTES,
                PortForward.LOOPBACK, Containment.onThisHost());
    }

    /** The defaults on this host, named by its host name. */
    public static LocalOptions onThisHost(Accelerator accel) {
        return of(accel, hostName());
    }

    public LocalOptions withLifecycle(Lifecycle changed) {
        return new LocalOptions(accel, node, changed, clock, capacity, consoleRawCapBytes, forwardHost, containment);
    }

    /** {@link Lifecycle#defaults} with this stop grace. */
    public LocalOptions withStopGrace(Duration stopGrace) {
        return withLifecycle(Lifecycle.defaults(stopGrace));
    }

    public LocalOptions withClock(Clock changed) {
        return new LocalOptions(accel, node, lifecycle, changed, capacity, consoleRawCapBytes, forwardHost, containment);
    }

    public LocalOptions withCapacity(Capacity changed) {
        return new LocalOptions(accel, node, lifecycle, clock, changed, consoleRawCapBytes, forwardHost, containment);
    }

    public LocalOptions withConsoleRawCapBytes(long changed) {
        return new LocalOptions(accel, node, lifecycle, clock, capacity, changed, forwardHost, containment);
    }

    public LocalOptions withForwardHost(String changed) {
        return new LocalOptions(accel, node, lifecycle, clock, capacity, consoleRawCapBytes, changed, containment);
    }

    public LocalOptions withContainment(Containment changed) {
        return new LocalOptions(accel, node, lifecycle, clock, capacity, consoleRawCapBytes, forwardHost, changed);
    }

    /** Each QEMU contained as much of {@code settings} as this host allows. */
    public LocalOptions withContainment(ContainmentSettings settings) {
        return withContainment(Containment.onThisHost(settings));
    }

    /** One sentence for the start-up log: what instances run under, and what this host leaves out. */
    public String describeContainment() {
        return containment.describe();
    }

    /** Whether each QEMU runs as a uid of its own (the farm then fences its data dir off from them). */
    public boolean ownUsers() {
        return containment.ownUsers();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
