namespace BulkOnboard.Input;

/// <summary>
/// A cell's value as it is sent: the one place the spreadsheet escapes around a text are taken off, for
/// validation (what Tallyfy receives) and for inspect's samples alike.
/// </summary>
internal static class CellText
{
    /// <summary>
    /// <paramref name="value"/> without the formula escape our own reports add (a leading <c>'</c> before
    /// <c>= + - @</c>), and Excel's text trick <c>="0044 7700 900123"</c> (a formula that is only a text, so
    /// Excel keeps its leading zeros) unwrapped to its text, its doubled quotes made single. Any other
    /// formula is left as it is.
    /// </summary>
    public static string? AsSent(string? value) => value switch
    {
        ['\'', '=' or '+' or '-' or '@', ..] => value[1..],
        ['=', '"', .. var inner, '"'] when IsQuotedText(inner) => inner.Replace("\"\"", "\"", StringComparison.Ordinal),
        _ => value,
    };

    /// <summary>Whether <paramref name="inner"/> is the inside of one formula text literal: each quote doubled.</summary>
    private static bool IsQuotedText(string inner)
    {
        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '"')
            {
                if (i + 1 >= inner.Length || inner[i + 1] != '"')
                {
                    return false;
                }

                i++;
            }
        }

        return true;
    }
}
