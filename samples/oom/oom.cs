// Runs out of memory on purpose, for failure diagnosis with a real out-of-memory:
//   oom [MiB]   asks for one array of MiB (default 1024) and touches every page of it: a guest with
//               less memory refuses the commit and the runtime throws OutOfMemoryException;
//   oom chunks  keeps 16 MiB arrays, touching every page, until memory runs out: each commit fits,
//               so the guest kernel itself runs out (its OOM killer; PID 1 is never its victim).
using System;
using System.Collections.Generic;

public static class Oom
{
    const int Chunk = 16 * 1024 * 1024;

    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "chunks")
        {
            var kept = new List<byte[]>();
            while (true)
            {
                kept.Add(Touched(Chunk));
                Console.WriteLine("oom: holding " + kept.Count * 16 + " MiB");
            }
        }
        int mib = args.Length > 0 ? int.Parse(args[0]) : 1024;
        Console.WriteLine("oom: allocating " + mib + " MiB");
        Touched((long) mib * 1024 * 1024);
        Console.WriteLine("oom: allocated and touched " + mib + " MiB");
        return 0;
    }

    static byte[] Touched(long bytes)
    {
        byte[] block = new byte[bytes];
        for (long i = 0; i < block.LongLength; i += 4096)
        {
            block[i] = 1;
        }
        return block;
    }
}
