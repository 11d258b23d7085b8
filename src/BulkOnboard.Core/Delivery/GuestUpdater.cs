using System.Text.Json;
using BulkOnboard.Reporting;
using Outcome = BulkOnboard.Reporting.Outcome;

namespace BulkOnboard.Delivery;

/// <summary><c>--on-existing update</c>: a guest Tallyfy already has gets the row's details, unless it holds them already.</summary>
internal sealed class GuestUpdater(AttemptLoop attempts)
{
    /// <summary>
    /// Updates an existing guest: <c>skipped</c>/<c>unchanged</c> when the row carries nothing beyond the
    /// email or Tallyfy already holds the same values (no PUT then), <c>updated</c> after a PUT.
    /// <paramref name="row"/> holds the attempts the row has made so far (its create, when there was one).
    /// </summary>
    public async Task<DeliveryResult> UpdateAsync(GuestPayload guest, RowAttempts row, CancellationToken stopSending, CancellationToken hardStop)
    {
        var wanted = Details(guest);
        if (wanted.Count == 0)
        {
            return new(Outcome.Skipped, Outcomes.Unchanged, 422, row.Count, null, "the guest exists and the row holds nothing but the email");
        }

        var current = await CurrentDetailsAsync(guest, stopSending, hardStop);
        if (current is not null)
        {
            row.Count++;
        }

        if (current is not null && wanted.All(w => current.TryGetValue(w.Key, out var value) && value == w.Value))
        {
            return new(Outcome.Skipped, Outcomes.Unchanged, 200, row.Count, null, "Tallyfy already holds these details");
        }

        var sent = await attempts.RunAsync((client, ct) => client.UpdateGuestAsync(guest, ct), row, stopSending, hardStop);
        if (RowSender.Ended(sent, row, attempts.Dispatcher.Gate.IsPastGiveUp ? attempts.Dispatcher.GiveUpMessage(sent.Verdict.Message) : null) is { } ended)
        {
            return ended;
        }

        var verdict = sent.Verdict;
        var changed = string.Join(", ", wanted.Where(w => current is null || !current.TryGetValue(w.Key, out var v) || v != w.Value).Select(w => w.Key));
        return verdict.Kind == ApiVerdictKind.Succeeded
            ? new(Outcome.Updated, null, verdict.Status, row.Count, verdict.TallyfyId, $"details updated: {changed}")
            : new(Outcome.Failed, null, verdict.Status == 0 ? null : verdict.Status, row.Count, null, $"the guest exists but could not be updated: {verdict.Message}");
    }

    /// <summary>The guest's details as Tallyfy holds them, or <c>null</c> when they cannot be read (then the PUT is sent).</summary>
    private async Task<Dictionary<string, string>?> CurrentDetailsAsync(GuestPayload guest, CancellationToken stopSending, CancellationToken hardStop)
    {
        // Read with the same retries as any request: a failed read would leave the question open.
        var read = await attempts.RunAsync((client, ct) => client.GetGuestAsync(guest.Email, ct), new RowAttempts(), stopSending, hardStop);
        if (read.Response is not { Status: >= 200 and < 300 } response)
        {
            return null;
        }

        try
        {
            // Tallyfy's record: names at the top of `data`, the rest in `data.details`; both are read.
            using var document = JsonDocument.Parse(response.Body);
            var root = document.RootElement;
            var data = root.TryGetProperty("data", out var d) ? d : root;
            var held = data.EnumerateObject().Where(p => p.Value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                .ToDictionary(p => p.Name, p => Text(p.Value), StringComparer.Ordinal);
            if (data.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in details.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null))
                {
                    held[field.Name] = Text(field.Value);
                }
            }

            return held;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The fields the row sets, as text, the email left out (it is the key, and never changes).</summary>
    private static Dictionary<string, string> Details(GuestPayload guest)
    {
        using var document = JsonSerializer.SerializeToDocument(guest, TallyfyClient.Json);
        return document.RootElement.EnumerateObject()
            .Where(p => p.Name != "email" && p.Value.ValueKind != JsonValueKind.Null)
            .ToDictionary(p => p.Name, p => Text(p.Value), StringComparer.Ordinal);
    }

    private static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
}
