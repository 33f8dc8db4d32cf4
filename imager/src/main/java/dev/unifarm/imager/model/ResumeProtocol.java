package dev.unifarm.imager.model;

/**
 * The few lines the farm and a restored {@code linux}-profile guest exchange over the guest's second serial
 * port ({@code ttyS1}, QEMU's {@code -serial} on a unix socket in the instance's {@code vm/}), the only
 * channel into a guest that has no agent. A restored guest is a copy of the snapshotted one: its wall clock
 * is as old as the snapshot and its kernel CRNG would hand every clone the same numbers. So once QEMU runs
 * the restored guest, the farm writes one request line, and the helper {@code /init} left waiting on the port
 * steps the clock to the farm's time, adds the farm's seed to the kernel's input pool and forces a CRNG reseed
 * ({@code RNDADDENTROPY}, {@code RNDRESEEDCRNG}), then answers with one line. Lines are ASCII, ending in
 * {@code \n}.
 *
 * <pre>
 * farm  → guest: unifarm-resume &lt;epoch seconds&gt; &lt;nanoseconds 0..999999999&gt; &lt;seed: 64 lowercase hex digits&gt;
 * guest → farm:  unifarm-resumed
 *            or: unifarm-resume-failed &lt;what failed, one line&gt;
 * </pre>
 */
public final class ResumeProtocol {

    /** The helper's path in the guest. */
    public static final String HELPER = "/bin/unifarm-resume";
    /** The guest's device for the control port: the second 8250 UART (major 4, minor 65). */
    public static final String TTY = "/dev/ttyS1";
    public static final int TTY_MAJOR = 4;
    public static final int TTY_MINOR = 65;
    public static final String REQUEST = "unifarm-resume";
    public static final String ACK = "unifarm-resumed";
    public static final String FAILED = "unifarm-resume-failed";
    /** Bytes of seed per request (written as twice as many hex digits). */
    public static final int SEED_BYTES = 32;

    private ResumeProtocol() {
    }

    /** The request line (without its newline) for {@code epochSeconds.nanos} and {@code seed}. */
    public static String request(long epochSeconds, int nanos, byte[] seed) {
        if (seed.length != SEED_BYTES) {
            throw new IllegalArgumentException("seed must be " + SEED_BYTES + " bytes: " + seed.length);
        }
        StringBuilder line = new StringBuilder(REQUEST).append(' ').append(epochSeconds).append(' ').append(nanos).append(' ');
        for (byte b : seed) {
            line.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return line.toString();
    }
}
