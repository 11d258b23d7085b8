using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace BulkOnboard.Input;

/// <summary>
/// A mapping file's text read into a JSON tree: JSON as it is (comments and trailing commas allowed), YAML
/// into plain maps, lists and strings with its aliases and depth limited, so both are checked alike.
/// </summary>
internal sealed partial class MappingFile
{
    private static JsonNode? Parse(string path, string text)
    {
        var yaml = System.IO.Path.GetExtension(path).ToLowerInvariant() is ".yaml" or ".yml";
        try
        {
            if (!yaml)
            {
                return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            }

            // YAML is read into plain dictionaries, lists and strings, then checked exactly as JSON is.
            CheckAliases(path, text);
            return ToNode(new DeserializerBuilder().WithMaximumRecursion(MaxYamlDepth).Build().Deserialize<object?>(text));
        }
        catch (JsonException ex)
        {
            throw Problem(path, $"is not valid JSON: {ex.Message}");
        }
        catch (YamlException ex)
        {
            throw Problem(path, $"is not valid YAML (line {ex.Start.Line}): {ex.InnerException?.Message ?? ex.Message}");
        }
    }

    /// <summary>The most aliases (<c>*name</c>) a YAML mapping may use: each can repeat a whole part, and nested ones multiply (a few hundred bytes can expand to a billion values).</summary>
    public const int MaxYamlAliases = 16;

    private const int MaxYamlDepth = 32;

    private static void CheckAliases(string path, string text)
    {
        var parser = new Parser(new StringReader(text));
        var aliases = 0;
        while (parser.MoveNext())
        {
            if (parser.Current is YamlDotNet.Core.Events.AnchorAlias && ++aliases > MaxYamlAliases)
            {
                throw Problem(path, $"uses more than {MaxYamlAliases} YAML aliases (*name); write the values out instead");
            }
        }
    }

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        IDictionary<object, object?> map => new JsonObject(map.Select(p => KeyValuePair.Create(Convert.ToString(p.Key, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty, ToNode(p.Value)))),
        IEnumerable<object?> list when value is not string => new JsonArray([.. list.Select(ToNode)]),
        _ => JsonValue.Create(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)),
    };
}
