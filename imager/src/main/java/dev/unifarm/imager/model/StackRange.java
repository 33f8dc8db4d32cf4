package dev.unifarm.imager.model;

/**
 * Where the kernel puts the application's stack. Without procfs, glibc's {@code
 * pthread_getattr_np} learns the main thread's stack from our {@code /proc/1/maps}: it needs a
 * {@code [stack]} line containing the real stack, and sizes the stack from the mapping before it.
 */
public record StackRange(long start, long end) {

    /** Length of the placeholder mapping that ends where {@code [stack]} begins. */
    static final long PRECEDING_MAPPING = 0x40000;

    public StackRange {
        if (start <= PRECEDING_MAPPING || end <= start) {
            throw new IllegalArgumentException("stack range must be start < end: " + start + "-" + end);
        }
    }

    /** The {@code /proc/1/maps} text: the preceding mapping, then {@code [stack]}. */
    public String mapsFile() {
        return String.format("%x-%x rw-p 00000000 00:00 0 %n%x-%x rw-p 00000000 00:00 0%26s[stack]%n",
                start - PRECEDING_MAPPING, start, start, end, "");
    }

    /** The same file without the {@code [stack]} line: a negative control that CoreCLR must fail on. */
    public String mapsFileWithoutStack() {
        return String.format("%x-%x rw-p 00000000 00:00 0 %n", start - PRECEDING_MAPPING, start);
    }
}
