// Prints "chatty: line N" plus padding as fast as it can, LINES times (first argument, default 20000),
// then "chatty: done" and exits 0: a console that outgrows its size caps within seconds.
using System;

public static class Chatty
{
    public static int Main(string[] args)
    {
        int lines = args.Length > 0 ? int.Parse(args[0]) : 20000;
        string padding = new string('.', 40);
        for (int n = 1; n <= lines; n++)
        {
            Console.WriteLine("chatty: line " + n + " " + padding);
        }
        Console.WriteLine("chatty: done");
        return 0;
    }
}
