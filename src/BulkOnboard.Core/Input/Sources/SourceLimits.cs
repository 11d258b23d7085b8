namespace BulkOnboard.Input.Sources;

/// <summary>
/// How much one fetch may hold and how long it may take, read from <c>Sources:*</c> before anything is
/// fetched. <see cref="Timeout"/> bounds every wait for the server (the answer's headers, then each read of
/// its body: a server that sends its headers and then stalls is given up); <see cref="Deadline"/> bounds
/// the whole fetch, however slowly the bytes trickle in.
/// </summary>
/// <param name="MaxBytes"><c>Sources:MaxBytes</c>, default 512 MB.</param>
/// <param name="Timeout"><c>Sources:Timeout</c>, default 5 minutes: the longest silence between bytes.</param>
/// <param name="Deadline"><c>Sources:Deadline</c>, default 1 hour: the longest a whole fetch may take.</param>
internal sealed record SourceLimits(long MaxBytes, TimeSpan Timeout, TimeSpan Deadline)
{
    public static readonly SourceLimits Default = new(512L * 1024 * 1024, TimeSpan.FromMinutes(5), TimeSpan.FromHours(1));

    /// <summary>
    /// Copies <paramref name="from"/> to <paramref name="to"/>, each read given at most <see cref="Timeout"/>:
    /// a silence that long ends the fetch with one line (the caller disposes the stream, which ends the read).
    /// </summary>
    public async Task CopyAsync(Stream from, Stream to, string display, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var buffer = new byte[81_920];
        while (true)
        {
            int read;
            try
            {
                read = await from.ReadAsync(buffer, cancellationToken).AsTask().WaitAsync(Timeout, timeProvider, cancellationToken);
            }
            catch (TimeoutException)
            {
                throw Stalled(display);
            }

            if (read == 0)
            {
                return;
            }

            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    /// <summary>The line for a server that went silent for <see cref="Timeout"/>.</summary>
    public InputException Stalled(string display) =>
        new($"{display}: sent nothing for {Timeout} (Sources:Timeout); nothing was sent");

    /// <summary>The line for a fetch that ran past <see cref="Deadline"/>.</summary>
    public InputException TooSlow(string display) =>
        new($"{display}: not fetched within {Deadline} (Sources:Deadline); nothing was sent");
}
