using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using BulkOnboard.Input;

namespace BulkOnboard.Cli.Commands;

/// <summary>
/// Every numeric option of the command tree, parsed in one place: a value that is not a number, or is
/// out of range (<c>abc</c>, an empty one, <c>-1</c>, <c>99999999999</c>), is a parse error of one line
/// naming the option and the range, never an exception. A validator that reads a value which did not
/// parse throws in System.CommandLine, so the range is checked here, while parsing.
/// </summary>
internal static class NumberOptions
{
    /// <summary>The placeholder <c>--help</c> shows for a whole number (the end-to-end walk of every option finds them by it).</summary>
    public const string WholeHelpName = "N";

    /// <summary>The placeholder <c>--help</c> shows for a share between 0 and 1.</summary>
    public const string ShareHelpName = "0-1";

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<int?> Whole(string name, string description, int min, int max) => new(name)
    {
        Description = description,
        HelpName = WholeHelpName,
        CustomParser = result => Parse(result, name, min, max),
    };

    /// <summary>A whole number with a default, for an option that always has a value.</summary>
    public static Option<int> Whole(string name, string description, int min, int max, int defaultValue) => new(name)
    {
        Description = description,
        HelpName = WholeHelpName,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => Parse(result, name, min, max) ?? defaultValue,
    };

    /// <summary>A share from 0 to 1 (<c>0.05</c>).</summary>
    public static Option<double?> Share(string name, string description) => new(name)
    {
        Description = description,
        HelpName = ShareHelpName,
        CustomParser = result =>
        {
            var text = Text(result);
            if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 1)
            {
                return value;
            }

            result.AddError($"{name}: '{SafeText.Of(text)}' is not a share from 0 to 1 (such as 0.05)");
            return null;
        },
    };

    private static int? Parse(ArgumentResult result, string name, int min, int max)
    {
        var text = Text(result);
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return (int)value;
        }

        result.AddError($"{name}: '{SafeText.Of(text)}' is not a whole number from {min} to {max}");
        return null;
    }

    private static string Text(ArgumentResult result) => result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
}
