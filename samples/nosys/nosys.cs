// Calls a system call no Linux kernel implements, then exits 0: a real ENOSYS for the syscall
// coverage metrics (a reference run records it as outcome enosys).
using System;
using System.Runtime.InteropServices;

public static class NoSys
{
    // x86_64 number 183 is afs_syscall: reserved, always sys_ni_syscall (-ENOSYS).
    private const long AfsSyscall = 183;

    [DllImport("libc.so.6", SetLastError = true)]
    private static extern long syscall(long number);

    public static int Main(string[] args)
    {
        long result = syscall(AfsSyscall);
        int errno = Marshal.GetLastWin32Error();
        Console.WriteLine("nosys: afs_syscall returned " + result + ", errno " + errno);
        return 0;
    }
}
