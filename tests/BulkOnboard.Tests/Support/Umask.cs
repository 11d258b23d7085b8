using System.Runtime.InteropServices;

namespace BulkOnboard.Tests.Support;

/// <summary>The process's file-creation mask, set for a test and put back after it (Unix only; tests run one at a time).</summary>
public static class Umask
{
    /// <summary>Group and others may read and enter what is created: the usual default, which BulkOnboard must not rely on.</summary>
    public const uint Permissive = 0b000_010_010;

    [DllImport("libc", EntryPoint = "umask")]
    private static extern uint Exchange(uint mask);

    /// <summary>Sets the mask until the result is disposed.</summary>
    public static IDisposable Set(uint mask) => new Restore(Exchange(mask));

    private sealed class Restore(uint before) : IDisposable
    {
        public void Dispose() => Exchange(before);
    }
}
