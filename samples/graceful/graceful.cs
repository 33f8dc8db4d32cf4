// Registers a ProcessExit handler and waits forever: CoreCLR turns SIGTERM into ProcessExit, so a
// stop that the guest honours (QMP system_powerdown -> power button -> SIGTERM) shows the handler's
// line on the console before the VM ends. Used to test graceful stops.
using System;
using System.Threading;

public static class Graceful
{
    public static int Main(string[] args)
    {
        AppDomain.CurrentDomain.ProcessExit += (sender, e) =>
        {
            Console.WriteLine("graceful: ProcessExit, shutting down cleanly");
            Console.Out.Flush();
        };
        Console.WriteLine("graceful: waiting for SIGTERM");
        Thread.Sleep(Timeout.Infinite);
        return 0;
    }
}
