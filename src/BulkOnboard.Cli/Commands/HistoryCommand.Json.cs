using BulkOnboard.Journal;

namespace BulkOnboard.Cli.Commands;

/// <summary><c>history -o json</c>: what the tables show, as one JSON document for scripts.</summary>
internal static partial class HistoryCommand
{
    private static object RunsJson(string path, int limit) => new
    {
        Journal = path,
        Runs = (File.Exists(path) ? JournalHistory.RecentRuns(path, limit) : []).Select(run =>
        {
            var (organization, endpoint) = RunJournal.Describe(run.Target);
            return new
            {
                Run = run.Id,
                run.StartedAt,
                run.EndedAt,
                File = run.FileName,
                Organization = organization,
                Endpoint = endpoint,
                run.Forced,
                run.Total,
                run.Created,
                run.Invited,
                run.Skipped,
                run.Invalid,
                run.Failed,
                run.NotAttempted,
                run.ExitCode,
            };
        }),
    };

    private static object PersonJson(string path, string email)
    {
        static (string Organization, string Endpoint) Place(string target) => RunJournal.Describe(target);
        var exists = File.Exists(path);
        return new
        {
            Email = email,
            Journal = path,
            Records = (exists ? JournalHistory.FindPerson(path, email) : []).Select(r => new
            {
                Place(r.Target).Organization,
                Place(r.Target).Endpoint,
                r.Kind,
                r.State,
                r.Outcome,
                At = r.UpdatedAt,
                Run = r.RunId,
                File = r.FileName,
                Row = r.RowNumber,
                r.TallyfyId,
            }),
            Onboarded = (exists ? JournalHistory.Provenance(path, email) : []).Select(c => new
            {
                Place(c.Target).Organization,
                Place(c.Target).Endpoint,
                c.Kind,
                c.How,
                c.At,
                Run = c.RunId,
                File = c.FileName,
            }),
            Journeys = (exists ? JournalHistory.Journeys(path, email) : []).Select(j => new
            {
                Place(j.Target).Organization,
                Place(j.Target).Endpoint,
                j.Journey,
                j.State,
                j.Outcome,
                j.ProcessId,
                Run = j.RunId,
                j.At,
            }),
            Scheduled = (exists ? JournalHistory.PendingDue(path, email) : []).Select(d => new
            {
                Place(d.Target).Organization,
                Place(d.Target).Endpoint,
                d.Kind,
                d.Action,
                Due = d.DueLocal,
                d.Source,
            }),
            SyncActions = (exists ? JournalHistory.SyncActions(path, email) : []).Select(a => new
            {
                Place(a.Target).Organization,
                Place(a.Target).Endpoint,
                a.Kind,
                a.Action,
                a.Outcome,
                a.At,
                Run = a.RunId,
                a.Roster,
            }),
        };
    }
}
