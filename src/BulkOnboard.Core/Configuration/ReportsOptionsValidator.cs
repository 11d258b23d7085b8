using Microsoft.Extensions.Options;

namespace BulkOnboard.Configuration;

/// <summary>The start-up checks of <see cref="ReportsOptions"/>: a setting out of range stops the command with one line naming it.</summary>
internal sealed class ReportsOptionsValidator : IValidateOptions<ReportsOptions>
{
    public ValidateOptionsResult Validate(string? name, ReportsOptions options) => options.WorkbookMaxRows < 0
        ? ValidateOptionsResult.Fail($"{Setting.Describe("Reports:WorkbookMaxRows")}: {options.WorkbookMaxRows} is not a number of lines (0 writes no results.xlsx; at most 1048575 are written)")
        : ValidateOptionsResult.Success;
}
