using BulkOnboard.Reporting;
using BulkOnboard.Input;

namespace BulkOnboard.Cli.Terminal;

/// <summary>Text from outside (file names, headers, the API's messages) made safe for Spectre markup: control characters escaped (<see cref="SafeText"/>), then markup.</summary>
internal static class ConsoleText
{
    public static string Escape(string? text) => Spectre.Console.Markup.Escape(SafeText.Of(text));
}
