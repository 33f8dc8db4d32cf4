// Minimal console app: proves the runtime starts and receives its arguments.
using System;

public static class Hello
{
    public static int Main(string[] args)
    {
        Console.WriteLine("Hello from Unifarm!");
        Console.WriteLine("args: [" + string.Join(", ", args) + "]");
        return 0;
    }
}
