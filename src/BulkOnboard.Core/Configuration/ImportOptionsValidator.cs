using BulkOnboard.Input;
using BulkOnboard.Validation;
using Microsoft.Extensions.Options;

namespace BulkOnboard.Configuration;

/// <summary>The start-up checks of <see cref="ImportOptions"/>: a setting out of range stops the command with one line naming it.</summary>
internal sealed class ImportOptionsValidator : IValidateOptions<ImportOptions>
{
    public ValidateOptionsResult Validate(string? name, ImportOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.DefaultKind) && !PersonKinds.TryParse(options.DefaultKind, out _))
        {
            failures.Add($"kind '{options.DefaultKind}' (--kind or {Setting.Describe("Import:DefaultKind")}) is not a kind; use guest or member");
        }

        if (options.OnExisting?.Trim().ToLowerInvariant() is not ("skip" or "update"))
        {
            failures.Add($"--on-existing / {Setting.Describe("Import:OnExisting")} is '{options.OnExisting}'; use skip or update");
        }

        if (!string.IsNullOrWhiteSpace(options.DefaultRole) && !MemberValidator.Roles.Contains(options.DefaultRole.Trim(), StringComparer.OrdinalIgnoreCase))
        {
            failures.Add($"{Setting.Describe("Import:DefaultRole")} is '{options.DefaultRole}'; use admin, standard or light");
        }

        try
        {
            _ = new HeaderMatcher(options.ColumnAliases);
        }
        catch (InvalidOperationException ex)
        {
            failures.Add(ex.Message);
        }

        try
        {
            _ = options.LoadMapping();
        }
        catch (InputException ex)
        {
            failures.Add($"{ex.Message} ({Setting.Describe("Import:Mapping")} or --mapping)");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
