using BulkOnboard.Input;
using BulkOnboard.Input.Sources;
using Microsoft.Extensions.Time.Testing;

namespace BulkOnboard.Tests.Input;

/// <summary>A source's body is read with at most Sources:Timeout of silence between bytes, on the injected clock.</summary>
public class SourceLimitsTests
{
    private static readonly SourceLimits Limits = SourceLimits.Default with { Timeout = TimeSpan.FromSeconds(30) };

    [Test]
    public void CopyAsync_ABodyThatStallsAfterItsFirstBytes_EndsAfterTheTimeout_NotBefore()
    {
        var time = new FakeTimeProvider();
        using var target = new MemoryStream();

        var copy = Limits.CopyAsync(new StallingStream("Email\n"u8.ToArray()), target, "https://hr.example/report", time, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(29));
        var stillWaiting = !copy.IsCompleted;
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.That(stillWaiting, Is.True, "29 s of silence is within the timeout");
        var refused = Assert.ThrowsAsync<InputException>(() => copy);
        Assert.That(refused!.Message, Is.EqualTo("https://hr.example/report: sent nothing for 00:00:30 (Sources:Timeout); nothing was sent"));
        Assert.That(target.ToArray(), Is.EqualTo("Email\n"u8.ToArray()), "what came before the stall was written");
    }

    [Test]
    public async Task CopyAsync_ABodyThatEnds_IsCopiedWhole()
    {
        using var target = new MemoryStream();

        await Limits.CopyAsync(new MemoryStream("Email\nann@x.example\n"u8.ToArray()), target, "source", new FakeTimeProvider(), CancellationToken.None);

        Assert.That(target.ToArray(), Is.EqualTo("Email\nann@x.example\n"u8.ToArray()));
    }

    /// <summary>Gives its bytes, then a read that never ends (a server that sent its headers and a little, then nothing).</summary>
    private sealed class StallingStream(byte[] first) : Stream
    {
        private bool _sent;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_sent)
            {
                _sent = true;
                first.CopyTo(buffer);
                return first.Length;
            }

            await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken);
            return 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
