using BulkOnboard.Input;
using BulkOnboard.Validation;

namespace BulkOnboard.Tests.Support;

/// <summary>Builds header maps and records for validation tests.</summary>
internal static class Rows
{
    public static readonly ImportDefaults NoDefaults = new(null, null, null);

    public static ColumnMap Header(params string[] names) => ColumnMap.Create(names, 1, new HeaderMatcher());

    public static RawRecord Record(int rowNumber, params string[] cells) => new(rowNumber, cells);

    public static string Repeat(char c, int count) => new(c, count);
}
