package dev.unifarm.scheduler.local;

import dev.unifarm.scheduler.Endpoint;
import java.util.List;

/**
 * QEMU user-mode networking with one host port on {@code host} forwarded to the app's port in the guest
 * (docs/instances.md, "scheduler", networking); the guest is 10.0.2.15 behind QEMU's gateway
 * 10.0.2.2. The host is {@link #LOOPBACK} in local mode (nothing outside this machine reaches the app
 * but through the gateway); a launcher Pod binds {@link #ANY}, its own network namespace, so the farm
 * reaches the app at the Pod's IP.
 */
record PortForward(String host, int hostPort, int guestPort) {

    static final String NETDEV_ID = "n0";
    /** QEMU's user network: the guest's address, its gateway (and the host), its DNS forwarder. */
    static final String GUEST_CIDR = "10.0.2.15/24";
    static final String GUEST_GATEWAY = "10.0.2.2";
    static final String GUEST_DNS = "10.0.2.3";
    static final String LOOPBACK = "127.0.0.1";
    static final String ANY = "0.0.0.0";

    /** A free host port on {@code host} forwarded to {@code guestPort}. */
    static PortForward toGuest(String host, int guestPort) {
        // A wildcard bind also covers loopback, so a port free there is the one to check.
        return new PortForward(host, FreePorts.loopback(), guestPort);
    }

    /**
     * {@code guestOutbound} false: {@code restrict=on}, the guest reaches nothing beyond the forward (no
     * connection out, and not QEMU's 10.0.2.2, which is this host's loopback: the farm's API, its database).
     */
    List<String> qemuArgs(boolean guestOutbound) {
        return List.of(
                "-netdev", "user,id=" + NETDEV_ID + (guestOutbound ? "" : ",restrict=on") + ",hostfwd=tcp:" + host + ":" + hostPort + "-:" + guestPort,
                "-device", "virtio-net-pci,netdev=" + NETDEV_ID);
    }

    /** Where this machine reaches the forward: the bound host, loopback for the wildcard. */
    String reachableHost() {
        return ANY.equals(host) ? LOOPBACK : host;
    }

    /** {@code <reachable host>:<host port>}, as the instance status shows it. */
    String endpoint() {
        return new Endpoint(reachableHost(), hostPort).toString();
    }
}
