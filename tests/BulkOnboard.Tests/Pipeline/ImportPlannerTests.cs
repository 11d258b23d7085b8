using BulkOnboard.Input;
using BulkOnboard.Pipeline;
using BulkOnboard.Reporting;
using BulkOnboard.Tests.Support;
using BulkOnboard.Validation;

namespace BulkOnboard.Tests.Pipeline;

public class ImportPlannerTests
{
    private TestFiles _files = null!;

    [SetUp]
    public void SetUp() => _files = new TestFiles();

    [TearDown]
    public void TearDown() => _files.Dispose();

    [Test]
    public void Import_SendsValidRows_SettlesTheRest()
    {
        var rows = Rows("a@x.example", "not-an-email", "A@X.example", "b@x.example");
        var planner = new ImportPlanner(RunMode.Import, journal: null, force: false, updateExisting: false, preflight: null);

        var plans = rows.Select(r => planner.Plan(r, stopping: false, stopReason: null)).ToList();

        Assert.That(plans.Select(p => p.Sends), Is.EqualTo(new[] { true, false, false, true }));
        Assert.That((plans[1].Settled!.Outcome, plans[2].Settled!.Reason), Is.EqualTo((Outcome.Invalid, Outcomes.DuplicateInFile)));
    }

    [Test]
    public void Validate_SendsNothing_ValidRowsAreValid()
    {
        var planner = new ImportPlanner(RunMode.Validate, null, false, false, null);

        var plan = planner.Plan(Rows("a@x.example").Single(), stopping: false, stopReason: null);

        Assert.That((plan.Sends, plan.Settled!.Outcome), Is.EqualTo((false, Outcome.Valid)));
    }

    [Test]
    public void AfterAStop_ValidRowsAreNotAttempted_WithTheReason()
    {
        var planner = new ImportPlanner(RunMode.Import, null, false, false, null);

        var plan = planner.Plan(Rows("a@x.example").Single(), stopping: true, stopReason: "shutdown requested");

        Assert.That((plan.Settled!.Outcome, plan.Settled.Message), Is.EqualTo((Outcome.NotAttempted, "not sent: shutdown requested")));
    }

    [TestCase(true, PersonKind.Guest, true)]
    [TestCase(true, PersonKind.Member, false)]
    [TestCase(false, PersonKind.Guest, false)]
    public void OnExistingUpdate_IsDecidedHere_ForGuestsOnly(bool updateExisting, PersonKind kind, bool updates)
    {
        var planner = new ImportPlanner(RunMode.Import, null, false, updateExisting, null);

        var plan = planner.Plan(Rows(kind, "a@x.example").Single(), stopping: false, stopReason: null);

        Assert.That((plan.Sends, plan.UpdateIfExists), Is.EqualTo((true, updates)), plan.Settled?.Message ?? "Tallyfy's API updates no invited member's details");
    }

    private List<ValidatedRow> Rows(params string[] emails) => Rows(PersonKind.Guest, emails);

    private List<ValidatedRow> Rows(PersonKind kind, params string[] emails)
    {
        var path = _files.Write($"p-{Guid.NewGuid():N}.csv", "Email,First name,Last name\n" + string.Join("\n", emails.Select(e => $"{e},Ann,Lee")) + "\n");
        using var table = InputTable.Open(path, new HeaderMatcher(), null, CancellationToken.None);
        var validator = new RowValidator(table.Columns, new ImportDefaults(kind, "standard", "Welcome aboard"));
        return [.. table.DataRows().Select(validator.Validate)];
    }
}
