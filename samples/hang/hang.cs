// Prints a fatal-looking line and then hangs without exiting, as an aborting runtime does on a
// kernel where the abort cannot kill the process: used to test the scheduler's watchdog.
using System;
using System.Threading;

public static class Hang
{
    public static int Main(string[] args)
    {
        Console.WriteLine("hang: about to hang");
        Console.WriteLine("Unhandled Exception: simulated");
        Thread.Sleep(Timeout.Infinite);
        return 0;
    }
}
