using NetArchTest.Rules;

namespace BulkOnboard.Tests.Architecture;

/// <summary>
/// The stage order of docs/architecture.md, held by a test (STYLE.md 12): Input ← Validation ← Plan ←
/// Delivery ← Journal ← Reporting, each stage depending only on the stages before it; Pipeline and
/// Watching compose them and no stage depends on either; Storage sits beneath them all, and Configuration
/// (the settings and their start-up checks) between Validation and Plan.
/// </summary>
public class StageOrderTests
{
    private static readonly string[] Order = ["Input", "Validation", "Plan", "Delivery", "Journal", "Reporting"];

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

        Assert.That(backward, Is.Empty,
            "dependencies running back against the stage order (docs/architecture.md): move the type to the stage it belongs to, or pass the value in");
    }

    [Test]
    public void Storage_DependsOnNoStage()
    {
        var core = typeof(BulkOnboard.Pipeline.ImportRunner).Assembly;
        var stages = Order.Append("Configuration").Append("Pipeline").Append("Watching").Select(s => $"BulkOnboard.{s}").ToArray();
        var result = Types.InAssembly(core).That().ResideInNamespace("BulkOnboard.Storage").ShouldNot().HaveDependencyOnAny(stages).GetResult();
        Assert.That(result.FailingTypeNames ?? [], Is.Empty, "Storage sits beneath every stage: they all use it, it uses none");
    }

    /// <summary>The settings' start-up checks read values with the first stages' own readers (a token file, a time zone, a role), and nothing later.</summary>
    [Test]
    public void Configuration_DependsOnlyOnInputAndValidation()
    {
        var core = typeof(BulkOnboard.Pipeline.ImportRunner).Assembly;
        var later = Order.Skip(2).Append("Pipeline").Append("Watching").Select(s => $"BulkOnboard.{s}").ToArray();
        var result = Types.InAssembly(core).That().ResideInNamespace("BulkOnboard.Configuration").ShouldNot().HaveDependencyOnAny(later).GetResult();
        Assert.That(result.FailingTypeNames ?? [], Is.Empty, "Configuration comes after Input and Validation and before Plan");
    }

    [Test]
    public void InputAndValidation_DoNotReadTheSettings()
    {
        var core = typeof(BulkOnboard.Pipeline.ImportRunner).Assembly;
        var result = Types.InAssembly(core).That().ResideInNamespace("BulkOnboard.Input").Or().ResideInNamespace("BulkOnboard.Validation")
            .ShouldNot().HaveDependencyOn("BulkOnboard.Configuration").GetResult();
        Assert.That(result.FailingTypeNames ?? [], Is.Empty, "Configuration reads Input and Validation: they are handed values, not settings");
    }

    [Test]
    public void ThePipeline_DoesNotDependOnTheWatchService()
    {
        var core = typeof(BulkOnboard.Pipeline.ImportRunner).Assembly;
        var result = Types.InAssembly(core).That().ResideInNamespace("BulkOnboard.Pipeline").ShouldNot().HaveDependencyOn("BulkOnboard.Watching").GetResult();
        Assert.That(result.FailingTypeNames ?? [], Is.Empty, "Watching composes the pipeline as a service, not the other way round");
    }

    /// <summary>A type outside every stage escapes the checks above: each one lives in a stage, a composer, a foundation, or is the composition root.</summary>
    [Test]
    public void EveryType_LivesWhereTheOrderIsChecked()
    {
        var core = typeof(BulkOnboard.Pipeline.ImportRunner).Assembly;
        var known = Order.Append("Pipeline").Append("Watching").Append("Storage").Append("Configuration").Select(s => $"BulkOnboard.{s}").ToArray();
        string[] emittedByTheCompiler = ["System.Runtime.CompilerServices", "Microsoft.CodeAnalysis", "System.Text.RegularExpressions.Generated"];
        var stray = core.GetTypes()
            .Where(t => !t.Name.StartsWith('<') && !t.FullName!.StartsWith('<') && !emittedByTheCompiler.Contains(t.Namespace))
            .Where(t => !known.Any(k => t.Namespace == k || t.Namespace?.StartsWith(k + ".", StringComparison.Ordinal) == true))
            .Select(t => t.FullName!)
            .Where(name => name != typeof(BulkOnboard.BulkOnboardServiceCollectionExtensions).FullName)
            .ToList();
        Assert.That(stray, Is.Empty, "put the type in the stage it belongs to (the only type at the root is the composition root, BulkOnboardServiceCollectionExtensions)");
    }
}
