// Calls a system call no Linux kernel implements, then exits 0: a real ENOSYS for the syscall
// coverage metrics (a reference run records it as outcome enosys). Then a deliberate dependency on a
// syscall Linux has and a unikernel may lack: it keeps a line in a memfd_create memory file and reads it
// back, and exits 1 if it cannot (a needs sweep finds memfd_create required).
using System;
using System.Runtime.InteropServices;
using System.Text;

public static class NoSys
{
    // x86_64 number 183 is afs_syscall: reserved, always sys_ni_syscall (-ENOSYS).
    private const long AfsSyscall = 183;

    [DllImport("libc.so.6", SetLastError = true)]
    private static extern long syscall(long number);

    [DllImport("libc.so.6", SetLastError = true)]
    private static extern int memfd_create(string name, uint flags);

    [DllImport("libc.so.6", SetLastError = true)]
    private static extern long write(int fd, byte[] buffer, long count);

    [DllImport("libc.so.6", SetLastError = true)]
    private static extern long pread(int fd, byte[] buffer, long count, long offset);

    [DllImport("libc.so.6")]
    private static extern int close(int fd);

    public static int Main(string[] args)
    {
        long result = syscall(AfsSyscall);
        int errno = Marshal.GetLastWin32Error();
        Console.WriteLine("nosys: afs_syscall returned " + result + ", errno " + errno);
        return KeepInMemoryFile("kept in a memory file") ? 0 : 1;
    }

    /** Writes the text into a fresh memfd and reads it back: true when the same text comes back. */
    private static bool KeepInMemoryFile(string text)
    {
        int fd = memfd_create("nosys", 0);
        if (fd < 0)
        {
            Console.WriteLine("nosys: memfd_create failed, errno " + Marshal.GetLastWin32Error());
            return false;
        }
        byte[] line = Encoding.ASCII.GetBytes(text);
        byte[] back = new byte[line.Length];
        long written = write(fd, line, line.Length);
        long read = pread(fd, back, back.Length, 0);
        close(fd);
        string got = Encoding.ASCII.GetString(back, 0, (int) Math.Max(0, read));
        if (written != line.Length || got != text)
        {
            Console.WriteLine("nosys: memory file gave back \"" + got + "\" (wrote " + written + ", read " + read + ")");
            return false;
        }
        Console.WriteLine("nosys: " + got);
        return true;
    }
}
