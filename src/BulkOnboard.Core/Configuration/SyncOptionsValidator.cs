using Microsoft.Extensions.Options;

namespace BulkOnboard.Configuration;

/// <summary>The start-up checks of <see cref="SyncOptions"/>: a setting out of range stops the command with one line naming it.</summary>
internal sealed class SyncOptionsValidator : IValidateOptions<SyncOptions>
{
    public ValidateOptionsResult Validate(string? name, SyncOptions options)
    {
        var failures = new List<string>();
        if (options.MaxLeavers < 0)
        {
            failures.Add($"{Setting.Describe("Sync:MaxLeavers")} must be 0 or more (is {options.MaxLeavers})");
        }

        if (options.MaxLeaversPercent is < 0 or > 100)
        {
            failures.Add($"{Setting.Describe("Sync:MaxLeaversPercent")} must be between 0 and 100 (is {options.MaxLeaversPercent})");
        }

        if (options.MinRosterPercent is < 0 or > 100)
        {
            failures.Add($"{Setting.Describe("Sync:MinRosterPercent")} must be between 0 and 100 (is {options.MinRosterPercent})");
        }

        if (options.LeaverGraceRuns < 1)
        {
            failures.Add($"{Setting.Describe("Sync:LeaverGraceRuns")} must be 1 or more (is {options.LeaverGraceRuns}); 1 means a leaver goes the first time it is missing");
        }

        if (options.LeaverGracePeriod < TimeSpan.Zero)
        {
            failures.Add($"{Setting.Describe("Sync:LeaverGracePeriod")} must be 0 or a positive duration (is {options.LeaverGracePeriod})");
        }

        if (options.RosterBaselineWindow <= TimeSpan.Zero)
        {
            failures.Add($"{Setting.Describe("Sync:RosterBaselineWindow")} must be a positive duration (is {options.RosterBaselineWindow})");
        }

        if (options.PlanMaxAge <= TimeSpan.Zero)
        {
            failures.Add($"{Setting.Describe("Sync:PlanMaxAge")} must be a positive duration (is {options.PlanMaxAge})");
        }

        var approval = options.Approval;
        foreach (var (approver, i) in approval.Approvers.Select((a, i) => (a?.Trim() ?? string.Empty, i)))
        {
            var isGroup = approver.StartsWith("group:", StringComparison.OrdinalIgnoreCase) && approver.Length > "group:".Length;
            if (!isGroup && !Validation.EmailAddress.IsValid(approver))
            {
                failures.Add($"{Setting.Describe($"Sync:Approval:Approvers:{i}")} must be a member's email or group:NAME (is '{approver}')");
            }
        }

        if (approval.Deadline <= TimeSpan.Zero || approval.Deadline > TimeSpan.FromDays(365))
        {
            failures.Add($"{Setting.Describe("Sync:Approval:Deadline")} must be a positive duration of at most 365 days (is {approval.Deadline})");
        }

        if (approval.PollEvery < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{Setting.Describe("Sync:Approval:PollEvery")} must be at least 1 second (is {approval.PollEvery})");
        }

        if (!string.IsNullOrWhiteSpace(approval.WebhookUrl)
            && (!Uri.TryCreate(approval.WebhookUrl, UriKind.Absolute, out var hook) || hook.Scheme is not ("http" or "https")))
        {
            failures.Add($"{Setting.Describe("Sync:Approval:WebhookUrl")} must be an http:// or https:// address (is '{approval.WebhookUrl}')");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
