using System.Diagnostics;

namespace BulkOnboard.Benchmarks;

/// <summary>Runs one measured step in a child process, so peak memory is that step's alone.</summary>
internal static class Measure
{
    /// <summary>The peak resident set of this process (VmHWM), in MB.</summary>
    public static double PeakWorkingSetMb()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null
            ? Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0
            : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>Runs this benchmark program again with <paramref name="args"/> and returns what it printed.</summary>
    public static string Child(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
        var entry = typeof(Measure).Assembly.Location;
        if (!Environment.ProcessPath!.EndsWith("BulkOnboard.Benchmarks", StringComparison.Ordinal))
        {
            start.ArgumentList.Add(entry);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode is not (0 or 2))
        {
            throw new InvalidOperationException($"child {string.Join(' ', args)} exited {process.ExitCode}: {error}");
        }

        return output;
    }
}
