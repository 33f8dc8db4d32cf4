// Fails on purpose: an unhandled exception gives a non-zero exit and a stack trace,
// so crash reporting / exit-status handling can be tested.
using System;

public static class Crash
{
    public static int Main(string[] args)
    {
        Console.WriteLine("crash: about to throw");
        throw new InvalidOperationException("Unifarm crash sample: deliberate failure");
    }
}
