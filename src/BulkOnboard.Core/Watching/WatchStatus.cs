using System.Text.Json;
using System.Text.Json.Serialization;

namespace BulkOnboard.Watching;

/// <summary>What monitoring reads from <c>Watch:StatusFile</c>.</summary>
internal sealed class WatchStatus
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never };
    private readonly Lock _lock = new();

    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? LastScan { get; private set; }
    public int FilesDone { get; private set; }
    public int FilesFailed { get; private set; }
    public string? CurrentFile => _current.LastOrDefault();

    /// <summary>The files being imported now (side by side, <c>Watch:ParallelFiles</c>).</summary>
    public IReadOnlyList<string> CurrentFiles
    {
        get
        {
            lock (_lock)
            {
                return [.. _current];
            }
        }
    }

    private readonly List<string> _current = [];
    public int CurrentRowsDone { get; private set; }
    public string? LastError { get; private set; }

    public void Scanned(DateTimeOffset at) => Update(() => LastScan = at, at);

    public void Started(string file, DateTimeOffset at) => Update(() =>
    {
        _current.Add(file);
        CurrentRowsDone = _current.Count == 1 ? 0 : CurrentRowsDone;
    }, at);

    public void RowDone() => Update(() => CurrentRowsDone++, null);

    public void Finished(string file, bool failed, string? error, DateTimeOffset at) => Update(() =>
    {
        if (failed)
        {
            FilesFailed++;
            LastError = error;
        }
        else
        {
            FilesDone++;
        }

        _current.Remove(file);
    }, at);

    /// <summary>A file is no longer being imported, however it ended (idempotent).</summary>
    public void Left(string file, DateTimeOffset at) => Update(() => _current.Remove(file), at);

    public void Error(string error, DateTimeOffset at) => Update(() => LastError = error, at);

    /// <summary>Writes the status atomically (a temporary file moved into place).</summary>
    public void WriteTo(string path)
    {
        string json;
        lock (_lock)
        {
            json = JsonSerializer.Serialize(this, Json);
        }

        Storage.PrivateFiles.WriteAllTextAtomically(path, json);
    }

    private void Update(Action change, DateTimeOffset? at)
    {
        lock (_lock)
        {
            change();
            if (at is { } now)
            {
                UpdatedAt = now;
            }
        }
    }
}
