using System.Text.Json;
using BulkOnboard.Reporting;
using Outcome = BulkOnboard.Reporting.Outcome;

namespace BulkOnboard.Delivery;

/// <summary><c>--on-existing update</c>: a guest Tallyfy already has gets the row's details, unless it holds them already.</summary>
public sealed partial class RowSender
{
    /// <summary>
    /// Updates an existing guest: <c>skipped</c>/<c>unchanged</c> when the row carries nothing beyond the
    /// email or Tallyfy already holds the same values (no PUT then), <c>updated</c> after a PUT.
    /// </summary>
    public async Task<DeliveryResult> UpdateGuestAsync(GuestPayload guest, int attemptsSoFar, CancellationToken stopSending, CancellationToken hardStop)
    {
        var wanted = Details(guest);
        if (wanted.Count == 0)
        {
            return new(Outcome.Skipped, Outcomes.Unchanged, 422, attemptsSoFar, null, "the guest exists and the row holds nothing but the email");
        }

        var current = await CurrentDetailsAsync(guest, stopSending, hardStop);
        if (current is not null && wanted.All(w => current.TryGetValue(w.Key, out var value) && value == w.Value))
        {
            return new(Outcome.Skipped, Outcomes.Unchanged, 200, attemptsSoFar + 1, null, "Tallyfy already holds these details");
        }

        var attempt = new AttemptState(guest, ct => _client.UpdateGuestAsync(guest, ct), stopSending, hardStop) { Count = attemptsSoFar + (current is null ? 0 : 1) };
        var (verdict, ended) = await ExecuteAsync(attempt);
        if (ended is not null)
        {
            return ended;
        }

        var changed = string.Join(", ", wanted.Where(w => current is null || !current.TryGetValue(w.Key, out var v) || v != w.Value).Select(w => w.Key));
        return verdict.Kind switch
        {
            ApiVerdictKind.Succeeded => new(Outcome.Updated, null, verdict.Status, attempt.Count, verdict.TallyfyId, $"details updated: {changed}"),
            ApiVerdictKind.Unauthorized or ApiVerdictKind.AccountLimit => new(Outcome.NotAttempted, null, verdict.Status, attempt.Count, null, verdict.Message, StopsRun: true),
            _ => new(Outcome.Failed, null, verdict.Status, attempt.Count, null, $"the guest exists but could not be updated: {verdict.Message}"),
        };
    }

    /// <summary>The guest's details as Tallyfy holds them, or <c>null</c> when they cannot be read (then the PUT is sent).</summary>
    private async Task<Dictionary<string, string>?> CurrentDetailsAsync(GuestPayload guest, CancellationToken stopSending, CancellationToken hardStop)
    {
        var response = await ReadAsync(guest, ct => _client.GetGuestAsync(guest.Email, ct), stopSending, hardStop);
        if (response is not { Status: 200 })
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(response.Body);
            var root = document.RootElement;
            var data = root.TryGetProperty("data", out var d) ? d : root;
            var details = data.TryGetProperty("details", out var x) && x.ValueKind == JsonValueKind.Object ? x : data;
            return details.EnumerateObject().ToDictionary(p => p.Name, p => Text(p.Value), StringComparer.Ordinal);
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
