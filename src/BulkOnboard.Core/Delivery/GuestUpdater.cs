using System.Text.Json;
using BulkOnboard.Validation;
using Outcome = BulkOnboard.Validation.Outcome;

namespace BulkOnboard.Delivery;

/// <summary>
/// <c>--on-existing update</c>: a guest Tallyfy already has gets what the row asks, as far as Tallyfy's
/// API updates it. Its current pages say <c>PUT /guests/{email}</c> updates only <c>associated_members</c>
/// and silently ignores the rest, so no PUT is sent for any other difference, and the outcome is judged
/// by what Tallyfy holds afterwards, never by what was sent.
/// </summary>
internal sealed class GuestUpdater(AttemptLoop attempts)
{
    /// <summary>The one field the API's guest update applies (TALLYFY-API.md, "Changing people").</summary>
    public const string Updatable = "associated_members";

    /// <summary>
    /// <c>skipped</c>/<c>unchanged</c> when Tallyfy holds what the row asks (or the row asks nothing but
    /// the email); <c>skipped</c>/<c>not_updatable</c> when the differences are only in fields the API
    /// does not update; <c>updated</c> when Tallyfy holds the row's <c>associated_members</c> after the PUT.
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
        if (current is null)
        {
            return new(Outcome.Failed, null, null, row.Count, null, "the guest exists, but what Tallyfy holds for it could not be read, so nothing was updated");
        }

        row.Count++;
        var differing = wanted.Where(w => !Same(w.Key, w.Value, current.GetValueOrDefault(w.Key))).Select(w => w.Key).ToList();
        var ignored = differing.Where(f => f != Updatable).ToList();
        var ignoredNote = ignored.Count == 0 ? string.Empty
            : $"{string.Join(", ", ignored)} differ{(ignored.Count == 1 ? "s" : string.Empty)} from what Tallyfy holds, but Tallyfy's API does not update {(ignored.Count == 1 ? "it" : "them")}";
        if (differing.Count == 0)
        {
            return new(Outcome.Skipped, Outcomes.Unchanged, 200, row.Count, null, "Tallyfy already holds these details");
        }

        if (!differing.Contains(Updatable))
        {
            return new(Outcome.Skipped, Outcomes.NotUpdatable, 200, row.Count, null, $"{ignoredNote}; nothing was sent");
        }

        var sent = await attempts.RunAsync(RequestScope.Write, (client, ct) => client.UpdateGuestMembersAsync(guest.Email, guest.AssociatedMembers!, ct), row, stopSending, hardStop);
        if (RowSender.Ended(sent, row) is { } ended)
        {
            return ended;
        }

        var verdict = sent.Verdict;
        if (verdict.Kind is not (ApiVerdictKind.Succeeded or ApiVerdictKind.Unconfirmed))
        {
            return new(Outcome.Failed, null, verdict.Status == 0 ? null : verdict.Status, row.Count, null, $"the guest exists but could not be updated: {verdict.Message}");
        }

        // Judged by Tallyfy's answer: the PUT's record when it carries the field, else (an answer that is not Tallyfy's too) a fresh read.
        var after = verdict.Kind == ApiVerdictKind.Succeeded && Read(sent.Response!.RawBody) is { } answered && answered.ContainsKey(Updatable)
            ? answered
            : await CurrentDetailsAsync(guest, stopSending, hardStop);
        var note = (verdict.Kind == ApiVerdictKind.Unconfirmed ? $"; {verdict.Message}, read back" : string.Empty) + (ignored.Count == 0 ? string.Empty : $"; {ignoredNote}");
        return after is null ? new(Outcome.Failed, null, verdict.Status, row.Count, null, $"the guest could not be read back after the update, so it is not known to hold the row's {Updatable}{note}")
            : Same(Updatable, wanted[Updatable], after.GetValueOrDefault(Updatable))
                ? new(Outcome.Updated, null, verdict.Status, row.Count, verdict.TallyfyId, $"details updated: {Updatable}{note}")
                : new(Outcome.Failed, null, verdict.Status, row.Count, null, $"{(verdict.Kind == ApiVerdictKind.Succeeded ? "Tallyfy accepted the update but" : "Tallyfy")} does not hold the row's {Updatable}{note}");
    }

    /// <summary>Whether what Tallyfy holds is what the row asks: member ids as a set, everything else as text.</summary>
    private static bool Same(string field, string wanted, string? held)
    {
        if (field != Updatable)
        {
            return wanted == held;
        }

        return held is not null && Ids(wanted) is { } a && Ids(held) is { } b && a.SetEquals(b);
    }

    private static HashSet<long>? Ids(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Array
                ? document.RootElement.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number ? e.GetInt64() : long.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet()
                : null;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The guest's details as Tallyfy holds them, or <c>null</c> when they cannot be read (then the PUT is sent).</summary>
    private async Task<Dictionary<string, string>?> CurrentDetailsAsync(GuestPayload guest, CancellationToken stopSending, CancellationToken hardStop)
    {
        // Read with the same retries as any request: a failed read would leave the question open.
        var read = await attempts.RunAsync(RequestScope.Read, (client, ct) => client.GetGuestAsync(guest.Email, ct), new RowAttempts(), stopSending, hardStop);
        return read.Response is { Status: >= 200 and < 300 } response ? Read(response.RawBody) : null;
    }

    /// <summary>A guest record's fields: names at the top of <c>data</c>, the rest in <c>data.details</c> (both read).</summary>
    private static Dictionary<string, string>? Read(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var data = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out var d) ? d : root;
            if (data.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

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
