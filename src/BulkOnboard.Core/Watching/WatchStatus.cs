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
    public string? CurrentFile { get; private set; }
    public int CurrentRowsDone { get; private set; }
    public string? LastError { get; private set; }

    public void Scanned(DateTimeOffset at) => Update(() => LastScan = at, at);

    public void Started(string file, DateTimeOffset at) => Update(() => (CurrentFile, CurrentRowsDone) = (file, 0), at);

    public void RowDone() => Update(() => CurrentRowsDone++, null);

    public void Finished(bool failed, string? error, DateTimeOffset at) => Update(() =>
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

        CurrentFile = null;
    }, at);

    public void Error(string error, DateTimeOffset at) => Update(() => LastError = error, at);

    /// <summary>Writes the status atomically (a temporary file moved into place).</summary>
    public void WriteTo(string path)
    {
        string json;
        lock (_lock)
        {
            json = JsonSerializer.Serialize(this, Json);
        }

        var temporary = path + ".tmp";
        File.WriteAllText(temporary, json);
        File.Move(temporary, path, overwrite: true);
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
