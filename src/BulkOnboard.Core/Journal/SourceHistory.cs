using System.Globalization;
using System.Text.Json;
using BulkOnboard.Input.Sources;
using Microsoft.Data.Sqlite;

namespace BulkOnboard.Journal;

/// <summary>
/// The journal's record of fetched sources (<c>source_fetches</c>): the last good fetch of a source is the
/// baseline of its gates and says whether it is unchanged. Read before the run takes the journal's lock,
/// written after it has let go, each on a connection of its own.
/// </summary>
internal static class SourceHistory
{
    /// <summary>The last fetch of <paramref name="source"/> whose run was good; <c>null</c> when there is none (or no journal yet).</summary>
    public static SourceBaseline? LastGood(string path, string target, string source)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var connection = JournalFile.Open(path);
            var version = Convert.ToInt32(JournalSchema.Scalar(connection, "PRAGMA user_version;"), CultureInfo.InvariantCulture);
            if (version > JournalSchema.CurrentVersion)
            {
                throw new JournalUnavailableException($"the journal {path} was written by a newer BulkOnboard (schema {version}); upgrade BulkOnboard or set Journal:Path to another file");
            }

            if (version < JournalSchema.CurrentVersion)
            {
                return null;
            }

            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT f.id, f.run_id, f.sha256, f.rows, f.columns, f.fetched_at,
                    r.exit_code = 0 OR (r.exit_code = 2 AND r.failed = 0 AND r.not_attempted = 0)
                FROM source_fetches f LEFT JOIN runs r ON r.id = f.run_id
                WHERE f.target = $target AND f.source = $source AND f.good = 1 ORDER BY f.id DESC LIMIT 1;
                """;
            command.Parameters.AddWithValue("$target", target);
            command.Parameters.AddWithValue("$source", source);
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new SourceBaseline(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetString(2), reader.IsDBNull(3) ? 0 : reader.GetInt32(3),
                    reader.IsDBNull(4) ? [] : JsonSerializer.Deserialize<string[]>(reader.GetString(4)) ?? [], DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture))
                {
                    RunSettledIt = !reader.IsDBNull(6) && reader.GetInt64(6) == 1,
                }
                : null;
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new JournalUnavailableException($"the journal {path} cannot be read ({ex.Message.TrimEnd('.')})", ex);
        }
    }

    /// <summary>Records one fetch: used by run <paramref name="runId"/> (good or not), or refused by a gate.</summary>
    public static void Record(string path, string target, FetchedSource fetched, SourceShape? shape, long? runId, bool good, string? refused, DateTimeOffset at)
    {
        try
        {
            using var connection = JournalFile.Open(path, create: true, durable: true);
            JournalSchema.Migrate(connection, path);
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO source_fetches (target, source, display, sha256, size, etag, last_modified, fetched_at, rows, columns, run_id, good, refused)
                VALUES ($target, $source, $display, $sha, $size, $etag, $modified, $at, $rows, $columns, $run, $good, $refused);
                """;
            command.Parameters.AddWithValue("$target", target);
            command.Parameters.AddWithValue("$source", fetched.Source.Identity);
            command.Parameters.AddWithValue("$display", fetched.Source.Display);
            command.Parameters.AddWithValue("$sha", fetched.Sha256);
            command.Parameters.AddWithValue("$size", fetched.Size);
            command.Parameters.AddWithValue("$etag", (object?)fetched.Metadata.ETag ?? DBNull.Value);
            command.Parameters.AddWithValue("$modified", (object?)fetched.Metadata.LastModified?.ToString("O", CultureInfo.InvariantCulture) ?? DBNull.Value);
            command.Parameters.AddWithValue("$at", at.ToString("O", CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("$rows", (object?)shape?.Rows ?? DBNull.Value);
            command.Parameters.AddWithValue("$columns", shape is null ? DBNull.Value : JsonSerializer.Serialize(shape.Columns));
            command.Parameters.AddWithValue("$run", (object?)runId ?? DBNull.Value);
            command.Parameters.AddWithValue("$good", good ? 1 : 0);
            command.Parameters.AddWithValue("$refused", (object?)refused ?? DBNull.Value);
            command.ExecuteNonQuery();
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new JournalUnavailableException($"the journal {path} cannot record the fetch of {fetched.Source.Display} ({ex.Message.TrimEnd('.')})", ex);
        }
    }
}
