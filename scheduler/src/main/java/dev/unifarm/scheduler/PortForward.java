package dev.unifarm.scheduler;

import java.util.List;

/**
 * QEMU user-mode networking with one host port on 127.0.0.1 (loopback only) forwarded to the app's
 * port in the guest (DESIGN section 5); the guest is 10.0.2.15 behind QEMU's gateway 10.0.2.2.
 */
record PortForward(int hostPort, int guestPort) {

    static final String NETDEV_ID = "n0";
    static final String HOST = "127.0.0.1";

    /** A free host port forwarded to {@code guestPort}. */
    static PortForward toGuest(int guestPort) {
        return new PortForward(FreePorts.loopback(), guestPort);
    }

    List<String> qemuArgs() {
        return List.of(
                "-netdev", "user,id=" + NETDEV_ID + ",hostfwd=tcp:" + HOST + ":" + hostPort + "-:" + guestPort,
                "-device", "virtio-net-pci,netdev=" + NETDEV_ID);
    }

    /** {@code 127.0.0.1:<host port>}, as the instance status shows it. */
    String endpoint() {
        return HOST + ":" + hostPort;
    }
}
