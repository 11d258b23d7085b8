using System.Threading.Channels;
using BulkOnboard.Delivery;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Plan;
using BulkOnboard.Reporting;
using BulkOnboard.Validation;
using Microsoft.Extensions.Logging;

namespace BulkOnboard.Pipeline;

/// <summary>
/// The channels and tasks of one run: read and validate (one task, batches checked on every core) →
/// send (<c>Delivery:MaxConcurrency</c> workers per kind) → report (one task, as rows settle). A window of
/// <see cref="WindowRows"/> rows bounds how many rows are read but not yet settled.
/// </summary>
internal sealed class ImportFlow(InputTable table, RowValidator validator, ImportPlanner planner, RowSender? sender, RunJournal? journal,
    RunControl control, int workers, ILogger logger, RunProgress? progress = null)
{
    /// <summary>How many rows may be read but not yet settled.</summary>
    public const int WindowRows = 16384;

    private const int ReleaseBatch = 256;

    private const int ValidateBatch = 4096;

    /// <summary>Rows the preflight listing found in Tallyfy, settled without a create request.</summary>
    public int SavedByPreflight => planner.SavedByPreflight;

    // One queue and one set of workers per kind: a hold on guest creates (Tallyfy's hourly guest cap) must
    // not leave every worker waiting with a guest while the members behind them could go. The read window
    // (WindowRows) bounds both; Delivery:MaxConcurrency bounds the requests in flight (RequestDispatcher).
    private readonly Channel<Work> _guests = Channel.CreateBounded<Work>(new BoundedChannelOptions(WindowRows) { SingleWriter = true });
    private readonly Channel<Work> _members = Channel.CreateBounded<Work>(new BoundedChannelOptions(WindowRows) { SingleWriter = true });
    private readonly Channel<Finished[]> _finished = Channel.CreateUnbounded<Finished[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<Finished> _readerBatch = new(ReleaseBatch);
    private readonly SemaphoreSlim _window = new(WindowRows);
    private readonly JournalProtocol _protocol = new(journal, control);

    /// <summary>
    /// Runs the file; <paramref name="settled"/> gets each row's result as it settles, with the row's place in the
    /// input, and <paramref name="drained"/> is called whenever every result settled so far has been handed over
    /// (the moment to put them on disk).
    /// </summary>
    public async Task RunAsync(Action<long, RowResult> settled, Action? drained = null)
    {
        var producer = Task.Run(ReadAndValidateAsync);
        var senders = Enumerable.Range(0, planner.Sends ? workers : 0).SelectMany(_ => new[] { Task.Run(() => SendAsync(_guests)), Task.Run(() => SendAsync(_members)) }).ToArray();
        var done = Task.WhenAll([producer, .. senders]).ContinueWith(
            t => _finished.Writer.Complete(t.IsCanceled ? new OperationCanceledException("a pipeline task was cancelled") : t.Exception),
            TaskScheduler.Default);

        // Results are reported as they settle, in any order (the report puts them in input order at its end): a
        // row held back (a guest at the cap) never holds the rows behind it. Window places are given back in
        // batches: one wake-up of the reader per row would cost more than the row itself.
        long reported = 0;
        while (await _finished.Reader.WaitToReadAsync())
        {
            while (_finished.Reader.TryRead(out var batch))
            {
                foreach (var item in batch)
                {
                    progress?.Settle(item.Sent);
                    settled(item.Sequence, item.Result);
                }

                reported += batch.Length;
                _window.Release(batch.Length);
            }

            drained?.Invoke();
        }

        await done;
        var read = await producer;
        if (reported != read)
        {
            // Never let a report silently miss rows.
            throw new InvalidOperationException($"{read} rows were read but {reported} reported; this is a bug.");
        }
    }

    /// <summary>Reads and validates every row; returns how many rows were read.</summary>
    private async Task<long> ReadAndValidateAsync()
    {
        long sequence = 0;
        var lastRow = 0;
        InputException? unreadable = null;
        try
        {
            // Two batches take turns: while one is checked (on the thread pool, every core), the next is read.
            var batch = new List<RawRecord>(ValidateBatch);
            var nextBatch = new List<RawRecord>(ValidateBatch);
            var checkedRows = new ValidatedRow[ValidateBatch];
            using var records = table.DataRows().GetEnumerator();
            var more = ReadBatch(records, batch, ref unreadable);
            if (more)
            {
                EstimateRows(batch);
            }

            var first = true;
            while (batch.Count > 0)
            {
                var checking = CheckAsync(batch, checkedRows);
                nextBatch.Clear();
                more = more && ReadBatch(records, nextBatch, ref unreadable);
                await checking;
                if (first)
                {
                    await planner.PrepareAsync(checkedRows.AsMemory(0, batch.Count), control.StopSending);
                    first = false;
                }

                // Duplicates, plans and dispatch follow input order.
                for (var i = 0; i < batch.Count; i++)
                {
                    if (_window.CurrentCount == 0)
                    {
                        // About to wait for the report to catch up: it needs the rows held here first.
                        FlushReaderBatch();
                    }

                    await _window.WaitAsync();
                    var row = validator.Deduplicate(checkedRows[i]);
                    var plan = planner.Plan(row, control.IsStopping, control.Reason);
                    progress?.Planned(plan.Sends ? row.Kind : null);
                    if (plan.Sends)
                    {
                        FlushReaderBatch();
                        await (row.Kind == PersonKind.Guest ? _guests : _members).Writer.WriteAsync(new Work(sequence++, row, plan.UnansweredBefore, plan.UpdateKnown, plan.UpdateIfExists));
                    }
                    else
                    {
                        _readerBatch.Add(new Finished(sequence++, plan.Settled!));
                        if (_readerBatch.Count >= ReleaseBatch)
                        {
                            FlushReaderBatch();
                        }
                    }
                }

                lastRow = batch[^1].RowNumber;
                (batch, nextBatch) = (nextBatch, batch);
            }

            if (unreadable is not null)
            {
                logger.LogError("The input could not be read after row {Row}: {Message}", lastRow, unreadable.Message);
                control.MarkIncomplete($"the input could not be read after row {lastRow}: {unreadable.Message}");
            }
        }
        finally
        {
            FlushReaderBatch();
            _guests.Writer.Complete();
            _members.Writer.Complete();
        }

        return sequence;
    }

    /// <summary>
    /// For a large text file, sizes the duplicate index once from the file's length and the first rows'
    /// average length: growing it by doubling would briefly hold two copies of it.
    /// </summary>
    private void EstimateRows(List<RawRecord> first)
    {
        var averageChars = first.Average(r => r.Cells.Sum(c => c.Length + 1));
        if (!table.IsWorkbook && averageChars > 0)
        {
            validator.ExpectRows((int)Math.Min(20_000_000, table.Fingerprint.Length / averageChars * 1.1));
        }
    }

    /// <summary>Fills <paramref name="batch"/> with the next rows; false when the input is done (or unreadable from here on).</summary>
    private static bool ReadBatch(IEnumerator<RawRecord> records, List<RawRecord> batch, ref InputException? unreadable)
    {
        try
        {
            while (batch.Count < ValidateBatch)
            {
                if (!records.MoveNext())
                {
                    return false;
                }

                batch.Add(records.Current);
            }

            return true;
        }
        catch (InputException ex)
        {
            // The rows read before the problem are still validated and reported.
            unreadable = ex;
            return false;
        }
    }

    /// <summary>Checks a batch on the thread pool, one slice per core: checking a row is independent of the others.</summary>
    private Task CheckAsync(List<RawRecord> batch, ValidatedRow[] checkedRows)
    {
        var slices = Math.Min(Environment.ProcessorCount, Math.Max(1, batch.Count / 64));
        var size = (batch.Count + slices - 1) / slices;
        var tasks = new Task[slices];
        for (var slice = 0; slice < slices; slice++)
        {
            var (from, to) = (slice * size, Math.Min(batch.Count, (slice + 1) * size));
            tasks[slice] = Task.Run(() =>
            {
                for (var i = from; i < to; i++)
                {
                    checkedRows[i] = validator.Check(batch[i]);
                }
            });
        }

        return Task.WhenAll(tasks);
    }

    private async Task SendAsync(Channel<Work> queue)
    {
        await foreach (var work in queue.Reader.ReadAllAsync())
        {
            Finish(work.Sequence, work.Row.Kind, await DeliverAsync(work));
        }
    }

    private async Task<RowResult> DeliverAsync(Work work)
    {
        var row = work.Row;
        if (control.IsStopping)
        {
            return planner.Settle(row, control.Reason);
        }

        try
        {
            var result = await _protocol.SendAsync(row.Kind!.Value, row.Email, row.RowNumber, row.Record,
                () => work.KnownToExist && row.Payload is GuestPayload guest
                    ? sender!.UpdateGuestAsync(guest, control.StopSending, control.HardStop)
                    : sender!.SendAsync(row.Payload!, control.StopSending, control.HardStop, work.UnansweredBefore, work.UpdateIfExists),
                delivery => RowResult.Of(row.Record, row.Kind, row.Email, delivery));
            if (result.Outcome == Outcome.Failed)
            {
                // The request id is what Tallyfy's support looks a request up by.
                logger.LogWarning("Row {Row} failed: {Message} (Tallyfy request id {RequestId})", row.RowNumber, result.Message, result.RequestId ?? "none");
            }

            return result;
        }
        catch (Exception ex)
        {
            // A bug must not lose the row: it is reported, and the run goes on.
            logger.LogError(ex, "Unexpected error while sending row {Row}", row.RowNumber);
            return new RowResult(row.Record, row.Kind, row.Email, Outcome.Failed, Message: $"internal error: {ex.Message}");
        }
    }

    private void Finish(long sequence, PersonKind? sent, RowResult result) => Publish([new Finished(sequence, result, sent)]);

    /// <summary>Rows that were not sent travel to the report in batches: one wake-up per row would cost more than the row.</summary>
    private void FlushReaderBatch()
    {
        if (_readerBatch.Count > 0)
        {
            Publish([.. _readerBatch]);
            _readerBatch.Clear();
        }
    }

    private void Publish(Finished[] batch)
    {
        if (!_finished.Writer.TryWrite(batch))
        {
            throw new InvalidOperationException("The results channel was closed early.");
        }
    }

    /// <param name="UnansweredBefore">When an earlier run sent this row and never learnt what happened.</param>
    /// <param name="KnownToExist">The preflight listing found this guest, and --on-existing update asks for its details: no create.</param>
    /// <param name="UpdateIfExists">The plan's answer should the create find the guest in Tallyfy: update (<c>--on-existing update</c>) or skip.</param>
    private readonly record struct Work(long Sequence, ValidatedRow Row, DateTimeOffset? UnansweredBefore, bool KnownToExist = false, bool UpdateIfExists = false);

    /// <param name="Sent">The kind the row was planned to be sent as; <c>null</c> for a row settled without a request.</param>
    private readonly record struct Finished(long Sequence, RowResult Result, PersonKind? Sent = null);
}
