using System.Text.Json.Nodes;
using BulkOnboard.Plan;
using static BulkOnboard.Tests.Support.JourneyFixtures;

namespace BulkOnboard.Tests.Plan;

public class LaunchReadBackTests
{
    private static readonly LaunchRequest Sent = new("j", "tpl1", "Onboarding: a@example.com",
        new Dictionary<string, JsonNode> { [StartId] = "2026-12-08T00:00:00.000Z", [DepartmentId] = "Sales", [ToolsId] = new JsonArray(new JsonObject { ["id"] = "t1" }), [DeskId] = new JsonArray("a", "b", "c") },
        new Dictionary<string, StepOwners>(),
        new Dictionary<string, string> { [StartId] = "Start date", [DepartmentId] = "Department", [ToolsId] = "Tools", [DeskId] = "Desk" });

    [Test]
    public void EverythingKept_NothingMissing()
    {
        var stored = JsonNode.Parse($$"""{ "{{StartId}}": "2026-12-08T00:00:00.000Z", "{{DepartmentId}}": "Sales", "{{ToolsId}}": [{"id": "t1"}], "{{DeskId}}": ["a","b","c"], "other": null }""");

        Assert.That(LaunchReadBack.Missing(Sent, stored), Is.Empty);
    }

    [Test]
    public void DroppedNullEmptyOrEmptyArray_AreNamedByLabel()
    {
        var stored = JsonNode.Parse($$"""{ "{{StartId}}": null, "{{DepartmentId}}": "", "{{ToolsId}}": [] }""");

        Assert.That(LaunchReadBack.Missing(Sent, stored), Is.EqualTo(new[] { "Start date", "Department", "Tools", "Desk" }));
    }

    [Test]
    public void AnArrayOfIdAndValue_IsReadToo()
    {
        var stored = JsonNode.Parse($$"""[ { "id": "{{StartId}}", "value": "2026-12-08T00:00:00.000Z" }, { "id": "{{DepartmentId}}", "value": "Sales" }, { "id": "{{ToolsId}}", "value": [] } ]""");

        Assert.That(LaunchReadBack.Missing(Sent, stored), Is.EqualTo(new[] { "Tools", "Desk" }));
    }

    [Test]
    public void NoPrerunStored_EverySentFieldIsMissing() =>
        Assert.That(LaunchReadBack.Missing(Sent, null), Has.Count.EqualTo(4));
}
