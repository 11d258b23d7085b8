using System.Globalization;

namespace BulkOnboard.Input;

/// <summary>
/// Turns a workbook cell into the text the user sees in the spreadsheet: a phone number stored as a
/// number is its digits (never 4.91511E+12, never a trailing .0), a zero-padded id keeps its zeros,
/// a date is an ISO date.
/// </summary>
internal static class ExcelCellText
{
    public static string Format(object? value, string? numberFormat) => value switch
    {
        null or DBNull => string.Empty,
        string text => text,
        DateTime date => date.TimeOfDay == TimeSpan.Zero
            ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : date.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        TimeSpan time => time.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture),
        bool flag => flag ? "TRUE" : "FALSE",
        double number => FormatNumber(number, numberFormat),
        IFormattable other => other.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string FormatNumber(double number, string? numberFormat)
    {
        var format = numberFormat?.Replace("\"", string.Empty, StringComparison.Ordinal).Replace("\\", string.Empty, StringComparison.Ordinal) ?? string.Empty;

        // A format of zeros only ("00000") pads ids and postal codes to a fixed width.
        if (format.Length > 1 && format.All(c => c == '0') && number >= 0 && number == Math.Floor(number))
        {
            return number.ToString(format, CultureInfo.InvariantCulture);
        }

        if (number == Math.Floor(number) && Math.Abs(number) < 1e17)
        {
            return number.ToString("0", CultureInfo.InvariantCulture);
        }

        // Fifteen significant digits is what Excel itself shows; no exponent.
        var shown = double.Parse(number.ToString("G15", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return shown.ToString("0.###############", CultureInfo.InvariantCulture);
    }
}
