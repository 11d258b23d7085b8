using System.CommandLine;
using System.Text.Json;

namespace BulkOnboard.Cli.Commands;

/// <summary><c>-o/--output text|json</c> of the commands that only report (<c>history</c>, <c>inspect</c>, <c>doctor</c>): JSON for scripts.</summary>
internal static class OutputOption
{
    /// <summary>How JSON output is written: snake_case names, indented, accents and symbols as they are.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Option<string> Create(string what)
    {
        var option = new Option<string>("--output", "-o") { Description = $"How to print {what}: text (default) or json", DefaultValueFactory = _ => "text" };
        option.AcceptOnlyFromAmong("text", "json");
        return option;
    }

    public static bool IsJson(this ParseResult parse, Option<string> option) => parse.GetValue(option) == "json";

    /// <summary>Writes <paramref name="value"/> as JSON, one document, nothing else on standard output.</summary>
    public static void Write(TextWriter output, object value) => output.WriteLine(JsonSerializer.Serialize(value, Json));
}
