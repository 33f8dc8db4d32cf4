// Registers a ProcessExit handler and waits forever: CoreCLR turns SIGTERM into ProcessExit, so a
// stop that the guest honours (QMP system_powerdown -> power button -> SIGTERM) shows the handler's
// line on the console before the VM ends. With the argument "stuck" the handler never returns (an
// app that does not finish shutting down in time), so the farm's stop has to go on to quit.
using System;
using System.Threading;

public static class Graceful
{
    public static int Main(string[] args)
    {
        bool stuck = args.Length > 0 && args[0] == "stuck";
        AppDomain.CurrentDomain.ProcessExit += (sender, e) =>
        {
            Console.WriteLine(stuck ? "graceful: ProcessExit, stuck" : "graceful: ProcessExit, shutting down cleanly");
            Console.Out.Flush();
            if (stuck)
            {
                Thread.Sleep(Timeout.Infinite);
            }
        };
        Console.WriteLine("graceful: waiting for SIGTERM");
        Thread.Sleep(Timeout.Infinite);
        return 0;
    }
}
