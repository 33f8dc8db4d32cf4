// Prints "ticker: tick N" once a second, forever: a console that keeps growing, for tests that
// follow an instance's console across a farm restart.
using System;
using System.Threading;

public static class Ticker
{
    public static int Main(string[] args)
    {
        Console.WriteLine("ticker started");
        for (long n = 1; ; n++)
        {
            Thread.Sleep(1000);
            Console.WriteLine("ticker: tick " + n);
        }
    }
}
