using System.Globalization;
using BulkOnboard.Delivery;
using BulkOnboard.Plan;
using BulkOnboard.Validation;

namespace BulkOnboard.Pipeline;

/// <summary>
/// Who <c>Sync:Approval:Approvers</c> names, as Tallyfy holds them (the one reading of that setting): the approval task's owners
/// (members by id, groups by id), the member ids whose completion counts (the members named and every member of the groups
/// named), and the approvers Tallyfy does not have. Deactivated members approve nothing.
/// </summary>
internal sealed record Approvers(List<string> Users, List<string> Groups, HashSet<string> MemberIds, List<string> Missing)
{
    public static async Task<Approvers> ReadAsync(IEnumerable<string> approvers, List<ListedPerson> members, RowSender sender, CancellationToken cancellationToken)
    {
        var ids = ListedPerson.IdsByEmail(members.Where(m => !string.Equals(m.Status, "disabled", StringComparison.OrdinalIgnoreCase)));
        var found = new Approvers([], [], new HashSet<string>(StringComparer.Ordinal), []);
        List<ListedGroup>? groups = null;
        foreach (var approver in approvers.Select(a => a.Trim()))
        {
            if (approver.StartsWith("group:", StringComparison.OrdinalIgnoreCase))
            {
                groups ??= await sender.ListGroupsAsync(cancellationToken);
                var name = approver["group:".Length..].Trim();
                if (groups.FirstOrDefault(g => string.Equals(g.Name.Trim(), name, StringComparison.OrdinalIgnoreCase)) is { } group)
                {
                    found.Groups.Add(group.Id);
                    found.MemberIds.UnionWith(group.Members.Select(m => m.ToString(CultureInfo.InvariantCulture)).Where(ids.ContainsValue));
                }
                else
                {
                    found.Missing.Add(approver);
                }
            }
            else if (ids.TryGetValue(EmailAddress.Normalize(approver), out var id))
            {
                found.Users.Add(id);
                found.MemberIds.Add(id);
            }
            else
            {
                found.Missing.Add(approver);
            }
        }

        return found;
    }
}
