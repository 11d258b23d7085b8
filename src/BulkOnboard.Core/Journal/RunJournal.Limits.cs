using System.Globalization;
using BulkOnboard.Delivery;

namespace BulkOnboard.Journal;

/// <summary>What the API taught about its caps, kept per organization from one run to the next.</summary>
internal sealed partial class RunJournal
{
    /// <summary>A cap older than this is not trusted any more: the next run learns it again.</summary>
    private static readonly TimeSpan CapsKeptFor = TimeSpan.FromDays(30);

    private const string Remembered = "remembered from an earlier run";

    /// <summary>The caps earlier runs learned for this organization, with their sends still within the window.</summary>
    public List<LearnedCap> RememberedCaps()
    {
        var now = _timeProvider.GetUtcNow();
        var caps = KeptLimits().Select(k => RequestScopes.Parse(k.Scope) is { } scope ? new LearnedCap(scope, k.Limit, [], k.LearnedAt) : null)
            .OfType<LearnedCap>().ToList();

        using var sends = _reader.CreateCommand();
        sends.CommandText = "SELECT sent_at FROM api_cap_sends WHERE target = $target AND scope = $scope;";
        sends.Parameters.AddWithValue("$target", _target);
        var scopeParameter = sends.Parameters.Add("$scope", Microsoft.Data.Sqlite.SqliteType.Text);
        for (var i = 0; i < caps.Count; i++)
        {
            scopeParameter.Value = caps[i].Scope.ToWord();
            var times = new List<DateTimeOffset>();
            using var reader = sends.ExecuteReader();
            while (reader.Read())
            {
                var at = DateTimeOffset.Parse(reader.GetString(0), CultureInfo.InvariantCulture);
                if (now - at < RateLimitLearner.Widen(caps[i].Limit.Window))
                {
                    times.Add(at);
                }
            }

            caps[i] = caps[i] with { RecentSends = times };
        }

        return caps;
    }

    // The pace 429s taught (a burst throttle) is kept beside the caps, under a scope no kind of request has.
    private const string PaceScope = "pace";

    /// <summary>The pace an earlier run's 429s taught for this organization (a burst throttle met), or <c>null</c>.</summary>
    public ApiLimit? RememberedPace() => KeptLimits().FirstOrDefault(k => k.Scope == PaceScope).Limit;

    /// <summary>The rows of <c>api_caps</c> for this organization learned within <see cref="CapsKeptFor"/>, each said to be remembered.</summary>
    private List<(string Scope, ApiLimit Limit, DateTimeOffset LearnedAt)> KeptLimits()
    {
        var now = _timeProvider.GetUtcNow();
        var kept = new List<(string, ApiLimit, DateTimeOffset)>();
        using var command = _reader.CreateCommand();
        command.CommandText = "SELECT scope, requests, window_ms, source, learned_at FROM api_caps WHERE target = $target;";
        command.Parameters.AddWithValue("$target", _target);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var learnedAt = DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture);
            if (now - learnedAt < CapsKeptFor)
            {
                var source = reader.GetString(3);
                kept.Add((reader.GetString(0), new ApiLimit(reader.GetInt32(1), TimeSpan.FromMilliseconds(reader.GetInt64(2)),
                    source.StartsWith(Remembered, StringComparison.Ordinal) ? source : $"{Remembered} ({source})"), learnedAt));
            }
        }

        return kept;
    }

    /// <summary>
    /// Keeps what this run knows of the caps (replacing what earlier runs kept for the same kinds), and the
    /// pace its 429s taught. Throws <see cref="JournalUnavailableException"/>.
    /// </summary>
    public Task RememberCapsAsync(IReadOnlyList<LearnedCap> caps, ApiLimit? pace = null)
    {
        // A pace kept from an earlier run and not refused again keeps its first date: it is forgotten in time.
        pace = pace is not null && pace.Source.StartsWith(Remembered, StringComparison.Ordinal) ? null : pace;
        if (caps.Count == 0 && pace is null)
        {
            return Task.CompletedTask;
        }

        return ExecuteAsync((connection, transaction) =>
        {
            if (pace is not null)
            {
                WriteLimit(connection, transaction, PaceScope, pace, _timeProvider.GetUtcNow());
            }

            foreach (var cap in caps)
            {
                WriteLimit(connection, transaction, cap.Scope.ToWord(), cap.Limit, cap.LearnedAt);
                using var send = connection.CreateCommand();
                send.Transaction = transaction;
                send.CommandText = "INSERT INTO api_cap_sends (target, scope, sent_at) VALUES ($target, $scope, $at);";
                send.Parameters.AddWithValue("$target", _target);
                send.Parameters.AddWithValue("$scope", cap.Scope.ToWord());
                var at = send.Parameters.Add("$at", Microsoft.Data.Sqlite.SqliteType.Text);
                foreach (var time in cap.RecentSends)
                {
                    at.Value = time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
                    send.ExecuteNonQuery();
                }
            }

            return 0;
        });
    }

    /// <summary>One row of <c>api_caps</c>, replacing that scope's row and its sends.</summary>
    private void WriteLimit(Microsoft.Data.Sqlite.SqliteConnection connection, Microsoft.Data.Sqlite.SqliteTransaction transaction, string scope, ApiLimit limit, DateTimeOffset learnedAt)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT OR REPLACE INTO api_caps (target, scope, requests, window_ms, source, learned_at) VALUES ($target, $scope, $requests, $window, $source, $at);
            DELETE FROM api_cap_sends WHERE target = $target AND scope = $scope;
            """;
        command.Parameters.AddWithValue("$target", _target);
        command.Parameters.AddWithValue("$scope", scope);
        command.Parameters.AddWithValue("$requests", limit.Requests);
        command.Parameters.AddWithValue("$window", (long)limit.Window.TotalMilliseconds);
        command.Parameters.AddWithValue("$source", limit.Source);
        command.Parameters.AddWithValue("$at", learnedAt.ToString("O", CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
    }
}
