using System.CommandLine;

namespace Tessera.Cli;

/// <summary>What every command shares: the --verbose flag, and turning exceptions into one-line errors with exit code 2.</summary>
public static class CliCommon
{
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "Show stack traces on errors", Recursive = true };

    /// <summary>Exit code for bad input (a user error): wrong argument, missing or corrupt file.</summary>
    public const int UsageError = 2;

    public static int Invoke(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        bool verbose = parse.GetValue(Verbose);
        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (!verbose)
        {
            var inner = e is AggregateException { InnerExceptions.Count: 1 } ag ? ag.InnerExceptions[0] : e;
            Console.Error.WriteLine($"error: {inner.Message}");
            return UsageError;
        }
    }
}
