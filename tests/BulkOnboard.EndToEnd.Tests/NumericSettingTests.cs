using System.Reflection;
using BulkOnboard.EndToEnd.Tests.Support;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>
/// Every numeric setting of every options class (found by reflection: each class with a <c>Section</c>),
/// and the sources' numbers, given a value that is not a number or is out of range: exit 1 at start-up,
/// one line naming the setting, no stack trace.
/// </summary>
public class NumericSettingTests
{
    private static readonly string[] BadValues = ["abc", "", "-1", "99999999999"];

    private static readonly Type[] Numeric = [typeof(int), typeof(long), typeof(double), typeof(TimeSpan)];

    public static IEnumerable<string> Keys()
    {
        var core = Assembly.Load("BulkOnboard.Core");
        foreach (var type in core.GetTypes())
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is not { IsLiteral: true } section)
            {
                continue;
            }

            foreach (var key in NumericKeys(type, (string)section.GetRawConstantValue()!))
            {
                yield return key;
            }
        }

        // Read by the source resolver, not bound: checked before anything is fetched.
        foreach (var key in new[] { "Timeout", "Deadline", "MaxBytes", "MaxAge", "MinRowsPercent", "MaxEmptyEmailPercent" })
        {
            yield return $"Sources:{key}";
        }
    }

    /// <summary>The numeric properties of <paramref name="type"/>, and of the sections nested in it (<c>Notify:Smtp</c>).</summary>
    private static IEnumerable<string> NumericKeys(Type type, string path)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (Numeric.Contains(propertyType))
            {
                yield return $"{path}:{property.Name}";
            }
            else if (propertyType.IsClass && propertyType.Assembly == type.Assembly)
            {
                foreach (var key in NumericKeys(propertyType, $"{path}:{property.Name}"))
                {
                    yield return key;
                }
            }
        }
    }

    [Test]
    public void TheWalkFindsTheSettings() =>
        Assert.That(Keys(), Is.SupersetOf(new[] { "Delivery:RequestsPerMinute", "Delivery:Timeout", "Watch:SettleTime", "Sync:MaxLeaversPercent", "Notify:Smtp:Port", "Journal:BusyTimeout", "Dates:InviteLeadDays" }));

    [TestCaseSource(nameof(Keys))]
    public async Task BadNumber_Exit1_OneLineNamingTheSetting(string key)
    {
        using var workspace = new Workspace();
        var file = workspace.Write("people.csv", "Email,Type\nann@example.com,guest\n");
        var source = key.StartsWith("Sources:", StringComparison.Ordinal) ? "http://127.0.0.1:9/people.csv" : file;
        foreach (var value in BadValues)
        {
            var settings = new Dictionary<string, string?> { [key] = value };

            var result = await CliRun.RunAsync(settings, "validate", source, "--out", workspace.ReportFolder);

            var what = $"{key}='{value}'\n{result}";
            Assert.That(result.ExitCode, Is.EqualTo(1), what);
            Assert.That(result.ErrorLines, Has.Count.EqualTo(1), what);
            Assert.That(result.ErrorLines[0], Does.StartWith("bulkonboard: error:").And.Contain(key), what);
            Assert.That(result.Error + result.Out, Does.Not.Match(@"(?m)^\s+at ").And.Not.Contain("unexpected").And.Not.Contain("Exception"), what);
        }
    }
}
