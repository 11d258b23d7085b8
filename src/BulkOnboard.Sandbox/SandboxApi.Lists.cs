using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace BulkOnboard.Sandbox;

/// <summary>Listings as Tallyfy pages them: <c>?page=N&amp;per_page=M</c>, capped pages, Laravel-style metadata.</summary>
internal sealed partial class SandboxApi
{
    /// <summary>A page of guests or members: <c>?page=N&amp;per_page=M</c>, with Laravel-style pagination metadata.</summary>
    private async Task ListAsync(HttpContext http, string org, System.Collections.Concurrent.ConcurrentDictionary<string, SandboxPerson> people, SandboxPerson? defaultAdmin = null)
    {
        if (!await PassGatesAsync(http, org, null))
        {
            return;
        }

        if (state.TakeListingFailure())
        {
            await RespondAsync(http, null, 503, new { message = "Service Unavailable" });
            return;
        }

        // Tallyfy's documented defaults: 999 guests or 9,999 members a page; what a page holds is capped.
        var all = people.Values.OrderBy(x => x.CreatedAt).ThenBy(x => x.Email, StringComparer.OrdinalIgnoreCase).ToList();
        if (defaultAdmin is not null)
        {
            all.Insert(0, defaultAdmin);
        }

        var paging = Paging(http, ReferenceEquals(people, state.Guests) ? 999 : 9999, all.Count);
        var data = all.Skip((paging.Page - 1) * paging.Served).Take(paging.Served).Select(x => Listed(x, ReferenceEquals(x, defaultAdmin))).ToList();
        await RespondAsync(http, null, 200, options.ListingsWithoutMeta ? new { data } : (object)new { data, meta = new { pagination = paging.Meta(http, data.Count) } });
    }

    /// <summary>
    /// A listing's page as asked (<c>page</c>, <c>per_page</c>) and as served: at most <see cref="SandboxOptions.PageCap"/>,
    /// or always <see cref="SandboxOptions.IgnorePerPage"/> with <c>total_pages</c> computed from the size asked.
    /// </summary>
    private ListPaging Paging(HttpContext http, int defaultPerPage, int total)
    {
        var page = int.TryParse(http.Request.Query["page"], out var p) && p > 0 ? p : 1;
        var asked = int.TryParse(http.Request.Query["per_page"], out var n) && n is > 0 and <= 9999 ? n : defaultPerPage;
        var served = options.IgnorePerPage is > 0 and var fixedSize ? fixedSize : Math.Min(asked, Math.Max(1, options.PageCap));
        var stated = options.IgnorePerPage is > 0 ? asked : served;
        return new ListPaging(page, served, total, Math.Max(1, (total + stated - 1) / stated));
    }

    private readonly record struct ListPaging(int Page, int Served, int Total, int TotalPages)
    {
        /// <summary>Laravel's pagination block; <c>links</c> is an empty array on a listing's last page and an object before it, as Tallyfy sends both.</summary>
        public object Meta(HttpContext http, int count) => new
        {
            total = Total,
            count,
            per_page = Served,
            current_page = Page,
            total_pages = TotalPages,
            links = Page < TotalPages ? new Dictionary<string, string> { ["next"] = $"{http.Request.Path}?page={Page + 1}" } : (object)Array.Empty<object>(),
        };
    }

    /// <summary>
    /// A person as Tallyfy's listings show one: a guest with its names at the top and the rest in
    /// <c>details</c>; a member with an integer id, names, role, status and <c>is_default_admin</c>.
    /// </summary>
    private object Listed(SandboxPerson person, bool isDefaultAdmin) => person.Kind == "guest"
        ? new { id = int.TryParse(person.Id, out var g) ? (object)g : person.Id, email = person.Email, first_name = person.Fields.GetValueOrDefault("first_name"),
            last_name = person.Fields.GetValueOrDefault("last_name"), link = state.GuestLink(person.Email), details = person.Fields }
        : new { id = int.Parse(person.Id, CultureInfo.InvariantCulture), email = person.Email, first_name = person.Fields.GetValueOrDefault("first_name"),
            last_name = person.Fields.GetValueOrDefault("last_name"), role = person.Fields.GetValueOrDefault("role") ?? "standard",
            status = person.Fields.GetValueOrDefault("status") ?? "active", is_default_admin = isDefaultAdmin, timezone = person.Fields.GetValueOrDefault("timezone") };
}
