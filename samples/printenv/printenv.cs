// Prints the environment variables named by its arguments, one line each, the value between
// brackets so spaces and quotes at either end show: "printenv: NAME=[value]", or
// "printenv: NAME unset". Exits 0. Used to check that env reaches the app byte for byte.
using System;

public static class PrintEnv
{
    public static int Main(string[] args)
    {
        foreach (string name in args)
        {
            string value = Environment.GetEnvironmentVariable(name);
            Console.WriteLine(value == null ? "printenv: " + name + " unset" : "printenv: " + name + "=[" + value + "]");
        }
        return 0;
    }
}
