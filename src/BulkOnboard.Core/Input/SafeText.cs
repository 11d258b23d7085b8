using System.Globalization;
using System.Text;

namespace BulkOnboard.Input;

/// <summary>
/// The one place that makes text from outside (file names, headers, cells, the API's messages) safe for a
/// terminal or a log line: control characters (C0, DEL, C1: terminal escape sequences, line breaks that
/// would forge a log line) and the Unicode line separators and bidirectional overrides are written as
/// escapes (<c>\n</c>, <c>\u001b</c>). Everything else is kept as it is.
/// </summary>
internal static class SafeText
{
    /// <summary><paramref name="text"/> with every unsafe character escaped; the same instance when there is none.</summary>
    public static string Of(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var first = text.AsSpan().IndexOfAny(Unsafe);
        if (first < 0)
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 16).Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (!IsUnsafe(c))
            {
                escaped.Append(c);
                continue;
            }

            escaped.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
            });
        }

        return escaped.ToString();
    }

    /// <summary>
    /// What makes <paramref name="value"/> unfit for one line of a protocol (an HTTP header, a URL, an id in
    /// a path), without showing it: a line break or another character <see cref="IsUnsafe"/> finds, and
    /// where; <c>null</c> when there is none. A line break in a header value would start a header of its own.
    /// </summary>
    public static string? ControlProblem(string? value)
    {
        var at = value is null ? -1 : value.AsSpan().IndexOfAny(Unsafe);
        return at < 0 ? null
            : value![at] is '\n' or '\r' ? $"holds a line break (character {at + 1}{(at == value.Length - 1 ? ", the last" : string.Empty)})"
            : $"holds a control character (U+{(int)value[at]:X4}, character {at + 1})";
    }

    /// <summary>Whether the character would act on a terminal or a log line rather than show as text.</summary>
    public static bool IsUnsafe(char c) => Unsafe.Contains(c);

    private static readonly System.Buffers.SearchValues<char> Unsafe = System.Buffers.SearchValues.Create(UnsafeCharacters());

    private static string UnsafeCharacters()
    {
        var characters = new StringBuilder();
        for (var c = '\0'; c < ' '; c++)
        {
            characters.Append(c);
        }

        for (var c = '\u007f'; c <= '\u009f'; c++)
        {
            characters.Append(c);
        }

        // Line and paragraph separators; bidirectional embeddings, overrides and isolates (text that reads differently from what it is).
        characters.Append("\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069");
        return characters.ToString();
    }
}
