package dev.unifarm.imager;

import java.nio.file.Path;

/**
 * How a kernel boots an image: which kernel, where it puts the app's stack, and how many env
 * entries its command line can carry.
 *
 * @param name profile name shown to users, e.g. {@code linux}
 * @param kernel kernel image file
 * @param stack the application stack range the rootfs's {@code /proc/1/maps} must describe
 * @param maxEnv env entries the command line can carry
 */
public record KernelProfile(String name, Path kernel, StackRange stack, int maxEnv) {

    /**
     * A stock Linux kernel booted with {@code norandmaps}: the main stack then ends at the top of the
     * 47-bit user address space, and we describe the 8 MiB below it (the default stack rlimit).
     */
    public static KernelProfile linux(Path kernel) {
        long top = 0x7ffffffff000L;
        return new KernelProfile("linux", kernel, new StackRange(top - 0x800000L, top), LinuxCommandLine.MAX_ENV);
    }
}
