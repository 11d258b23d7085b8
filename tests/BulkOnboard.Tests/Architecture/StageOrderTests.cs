using NetArchTest.Rules;

namespace BulkOnboard.Tests.Architecture;

/// <summary>
/// The stage order of docs/architecture.md, held by a test (STYLE.md 12): Input ← Validation ← Plan ←
/// Delivery ← Journal ← Reporting, each stage depending only on the stages before it; Pipeline and
/// Watching compose them and no stage depends on either; Storage and Configuration sit beside them.
/// </summary>
public class StageOrderTests
{
    private static readonly string[] Order = ["Input", "Validation", "Plan", "Delivery", "Journal", "Reporting"];

    /// <summary>
    /// The dependencies that ran back when this test was written (issue #21), type by type. It is a
    /// ratchet, not a licence: a dependency back that is not listed fails the test, and one that is
    /// listed but gone fails it too, so the list only ever shrinks. Empty it, then delete it.
    /// </summary>
    private static readonly HashSet<string> KnownBackward = new(StringComparer.Ordinal)
    {
        // Outcome (and RowResult) live in Reporting but Delivery decides them: they belong before Delivery.
        "BulkOnboard.Delivery.DeliveryResult -> BulkOnboard.Reporting",
        "BulkOnboard.Delivery.LeaverSettlement -> BulkOnboard.Reporting",
        "BulkOnboard.Delivery.RowSender -> BulkOnboard.Reporting",
        "BulkOnboard.Plan.PlanFile -> BulkOnboard.Reporting",

        // The roster planner plans from Tallyfy's listings (ListedPerson, ListedGroup, in Delivery): those records belong before Plan.
        "BulkOnboard.Plan.PlannedChange -> BulkOnboard.Delivery",
        "BulkOnboard.Plan.RosterPlanner -> BulkOnboard.Delivery",
        "BulkOnboard.Plan.TallyfyPeople -> BulkOnboard.Delivery",

        // JournalOptions builds the pipeline's journal request.
        "BulkOnboard.Journal.JournalOptions -> BulkOnboard.Pipeline",
    };

    [Test]
    public void NoStageDependsOnALaterStage_OrOnThePipelineOrTheWatchService()
    {
        var core = typeof(BulkOnboard.Pipeline.ImportRunner).Assembly;
        var backward = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Order.Length; i++)
        {
            var later = Order.Skip(i + 1).Append("Pipeline").Append("Watching").Select(s => $"BulkOnboard.{s}").ToArray();
            foreach (var stage in later)
            {
                var result = Types.InAssembly(core).That().ResideInNamespace($"BulkOnboard.{Order[i]}").ShouldNot().HaveDependencyOn(stage).GetResult();
                foreach (var type in result.FailingTypeNames ?? [])
                {
                    backward.Add($"{type} -> {stage}");
                }
            }
        }

        var added = backward.Where(b => !KnownBackward.Contains(TopLevel(b))).ToList();
        var gone = KnownBackward.Where(k => !backward.Any(b => TopLevel(b) == k)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(added, Is.Empty, "dependencies running back against the stage order (docs/architecture.md): move the type to the stage it belongs to, or pass the value in");
            Assert.That(gone, Is.Empty, "fixed: remove these from KnownBackward");
        });
    }

    [Test]
    public void TheFoundations_DependOnNoStage()
    {
        var core = typeof(BulkOnboard.Pipeline.ImportRunner).Assembly;
        var stages = Order.Append("Pipeline").Append("Watching").Select(s => $"BulkOnboard.{s}").ToArray();
        var result = Types.InAssembly(core).That().ResideInNamespace("BulkOnboard.Storage").ShouldNot().HaveDependencyOnAny(stages).GetResult();
        Assert.That(result.FailingTypeNames ?? [], Is.Empty);
    }

    /// <summary>A nested or compiler-generated type counts as the type it is in.</summary>
    private static string TopLevel(string entry)
    {
        var arrow = entry.IndexOf(" -> ", StringComparison.Ordinal);
        var type = entry[..arrow];
        var cut = type.IndexOfAny(['/', '+', '`']);
        return (cut < 0 ? type : type[..cut]) + entry[arrow..];
    }
}
