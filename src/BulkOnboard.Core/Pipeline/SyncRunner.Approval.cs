using System.Text.Json.Nodes;
using BulkOnboard.Input;
using BulkOnboard.Journal;
using BulkOnboard.Plan;
using BulkOnboard.Delivery;
using BulkOnboard.Validation;
using Microsoft.Extensions.Logging;

namespace BulkOnboard.Pipeline;

/// <summary>
/// A sync's held changes asked about inside Tallyfy (PRODUCT.md, "Approvals inside Tallyfy"): one approval task per plan
/// (a re-run of the same roster finds the open one), only its approvers may complete it; and an approval given there lifts
/// exactly the held changes it approved (<see cref="Lift"/>), through the one exact-apply path.
/// </summary>
internal sealed partial class SyncRunner
{
    /// <summary>
    /// An approval given in Tallyfy applies its held changes and nothing else: each goes when the approval names it (its key)
    /// and its guard is one a person may lift (<see cref="LeaverPolicy.Approvable"/>: the grace, the roster's size, the caps);
    /// the default administrator, admins, protected people, and a leaver whose open tasks have no one to take them (or could
    /// not be read) stay held whatever the approval says. Every other change of the plan is left for <c>sync --apply</c>.
    /// </summary>
    private static SyncPlan Lift(SyncPlan plan, IReadOnlySet<string>? approved)
    {
        if (approved is null)
        {
            return plan;
        }

        PlannedChange Go(PlannedChange change) => change switch
        {
            { Action: PlanAction.Hold, Intended: { } intent } when approved.Contains(change.Key) && LeaverPolicy.Approvable(change.HeldCode)
                && !(intent.IsLeaverAction() && change.Successor is null && change.OpenTasks is not 0)
                => change with { Action = intent, Intended = null, Detail = $"approved in Tallyfy ({change.Detail})" },
            { Action: PlanAction.Hold or PlanAction.Unchanged or PlanAction.Schedule } => change,
            _ => change with { Action = PlanAction.Unchanged, Detail = $"not part of the approval given in Tallyfy (sync --apply applies it): {change.Intent.ToWord()} {change.Detail}" },
        };
        return plan with { Changes = [.. plan.Changes.Select(Go)], FollowUps = [.. plan.FollowUps.Select(Go)] };
    }

    /// <summary>Asks for the plan's held changes in Tallyfy (or finds the task already open for this roster); the task's id, or <c>null</c>.</summary>
    private async Task<string?> AskApprovalAsync(SyncPlan plan, string planJson, string rosterPath, string rosterSha256, List<ListedPerson> members, RowSender sender,
        RunJournal journal, CancellationToken cancellationToken)
    {
        var settings = syncOptions.Value.Approval;
        var held = ApprovalRequest.Held(plan.Changes.Concat(plan.FollowUps));
        if (!settings.IsOn || held.Count == 0)
        {
            return null;
        }

        var open = journal.OpenApprovals().Where(a => a.IsOpen).ToList();
        if (open.FirstOrDefault(a => a.RosterSha256 == rosterSha256) is { } same)
        {
            // Asked already (or its create's answer was lost: it may exist): never a second task for one roster.
            logger.LogInformation("Approval: a task was asked for this roster already ({Task}); no other is asked", same.TaskId ?? "its create got no answer: look for it in Tallyfy");
            return same.TaskId;
        }

        var owners = await Approvers.ReadAsync(settings.Approvers, members, sender, cancellationToken);
        if (owners.Missing.Count > 0)
        {
            logger.LogError("Approval not asked: {Approvers} named in Sync:Approval:Approvers {Are} not in Tallyfy; the held changes wait for sync --apply", string.Join(", ", owners.Missing),
                owners.Missing.Count == 1 ? "is" : "are");
            return null;
        }

        // A newer roster supersedes the plans asked before: their tasks are archived, with a comment.
        foreach (var old in open)
        {
            if (old.TaskId is { } oldTask)
            {
                await sender.Approvals.CommentAsync(oldTask, "Superseded: a newer roster was planned and a new approval task asked for it. Nothing of this one will be applied.", cancellationToken);
                await sender.Approvals.ArchiveAsync(oldTask, cancellationToken);
            }

            await journal.UpdateApprovalAsync(old.Id, state: "stale", note: "superseded by a newer roster");
        }

        // The roster as planned, kept beside the plan (owner-only): the watched file moves on, and the apply reads this copy (its SHA-256 checked).
        var kept = Path.Combine(Path.GetDirectoryName(planJson)!, Path.GetFileNameWithoutExtension(planJson) + ".roster" + Path.GetExtension(rosterPath));
        Storage.PrivateFiles.WriteAtomically(kept, stream =>
        {
            using var source = File.OpenRead(rosterPath);
            source.CopyTo(stream);
        });
        rosterPath = kept;

        var planSha = PlanFile.Sha256Of(planJson);
        var body = new JsonObject
        {
            ["title"] = ApprovalRequest.Title(held, rosterPath),
            ["task_type"] = "approval",
            ["summary"] = ApprovalRequest.Summary(held, planSha, rosterSha256, planJson, journal.RunId),
            ["owners"] = new JsonObject
            {
                ["users"] = new JsonArray([.. owners.Users.Select(u => (JsonNode?)(long.TryParse(u, out var n) ? JsonValue.Create(n) : JsonValue.Create(u)))]),
                ["guests"] = new JsonArray(),
                ["groups"] = new JsonArray([.. owners.Groups.Select(g => (JsonNode?)JsonValue.Create(g))]),
            },
            ["deadline"] = (timeProvider.GetUtcNow() + settings.Deadline).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["form_fields"] = new JsonArray(new JsonObject { ["label"] = ApprovalRequest.ExcludeField, ["field_type"] = "textarea", ["required"] = false }),
            ["can_complete_only_assignees"] = true,
        };
        if (!string.IsNullOrWhiteSpace(settings.WebhookUrl))
        {
            body["webhook"] = settings.WebhookUrl;
        }

        var id = await journal.RecordAskingAsync(planJson, planSha, rosterPath, rosterSha256);
        var (task, failure, maybe) = await sender.Approvals.CreateAsync(body, cancellationToken);
        if (task is null)
        {
            logger.LogError("Approval task not created: {Why}{Maybe}; the held changes wait for sync --apply", failure, maybe ? " (it may exist in Tallyfy: check before asking again)" : string.Empty);
            await journal.UpdateApprovalAsync(id, state: maybe ? RunJournal.ApprovalAsking : "failed", note: failure);
            return null;
        }

        await journal.UpdateApprovalAsync(id, taskId: task, state: RunJournal.ApprovalOpen);
        logger.LogInformation("Approval asked in Tallyfy: task {Task} for {Count} held changes; bulkonboard approvals acts on the decision", task, held.Count);
        return task;
    }
}
