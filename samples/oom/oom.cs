// Runs out of memory on purpose: asks for one array bigger than a small guest's memory (first
// argument in MiB, default 1024) and touches every page of it, so failure diagnosis can be tested
// with a real OutOfMemoryException (Linux refuses to commit more than the guest has).
using System;

public static class Oom
{
    public static int Main(string[] args)
    {
        int mib = args.Length > 0 ? int.Parse(args[0]) : 1024;
        Console.WriteLine("oom: allocating " + mib + " MiB");
        byte[] block = new byte[(long) mib * 1024 * 1024];
        for (long i = 0; i < block.LongLength; i += 4096)
        {
            block[i] = 1;
        }
        Console.WriteLine("oom: allocated and touched " + mib + " MiB");
        return 0;
    }
}
