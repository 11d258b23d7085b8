using System.Collections.Concurrent;

namespace BulkOnboard.Sandbox;

/// <summary>A member's lifecycle after the invite: accepting it, and the seats members hold.</summary>
public sealed partial class SandboxState
{
    // Invited members not yet active, with how many requests had been served when their invite came.
    private readonly ConcurrentDictionary<string, int> _invitedAt = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The invited member accepts: status <c>invited</c> becomes <c>active</c>. False when there is no such invited member.</summary>
    public bool AcceptInvitation(string email)
    {
        _invitedAt.TryRemove(email, out _);
        while (Members.TryGetValue(email, out var member) && member.Fields.GetValueOrDefault("status") == "invited")
        {
            var active = member with { Fields = new Dictionary<string, string?>(member.Fields) { ["status"] = "active" } };
            if (Members.TryUpdate(email, active, member))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Notes an applied invite, for <see cref="SandboxOptions.AcceptInvitesAfter"/>.</summary>
    internal void NoteInvited(string email) => _invitedAt[email] = Requests.Count;

    /// <summary>Accepts every invite that has seen <paramref name="after"/> further requests served since it came.</summary>
    internal void AcceptDueInvitations(int after)
    {
        var served = Requests.Count;
        foreach (var (email, at) in _invitedAt)
        {
            if (served - at - 1 >= after)
            {
                AcceptInvitation(email);
            }
        }
    }

    /// <summary>
    /// The seats held in one pool (light, or full for admin and standard): every member but the disabled ones, so a
    /// deactivation or a conversion to guest frees one. The default administrator is apart.
    /// </summary>
    internal int SeatsHeld(bool light) =>
        Members.Values.Count(m => m.Fields.GetValueOrDefault("status") != "disabled"
            && string.Equals(m.Fields.GetValueOrDefault("role"), "light", StringComparison.OrdinalIgnoreCase) == light);

    /// <summary>Whether this member is the organization's only active administrator (the default administrator counts when there is one).</summary>
    internal bool IsOnlyActiveAdmin(SandboxPerson member)
    {
        static bool ActiveAdmin(SandboxPerson p) => p.Fields.GetValueOrDefault("role") == "admin" && p.Fields.GetValueOrDefault("status") is null or "active";
        return ActiveAdmin(member) && (DefaultAdmin is { } owner && ActiveAdmin(owner) ? 1 : 0) + Members.Values.Count(ActiveAdmin) == 1;
    }
}
