using BulkOnboard.Configuration;
using BulkOnboard.Input;
using BulkOnboard.Plan;

namespace BulkOnboard.Tests.Plan;

/// <summary>The one leaver policy: each person's guards, then the batch against the roster size and the caps of the last 24 hours.</summary>
public class LeaverPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);
    private static readonly LeaverWindow Quiet = new(RosterPeople: 100, RosterBaseline: 100, CarriedOutLast24Hours: 0, ManagedPeople: 100);

    private static LeaverCandidate Member(string email, string role = "standard", bool onboarded = true, bool defaultAdmin = false, Absence? absence = null) =>
        new(PersonKind.Member, email, role, defaultAdmin, onboarded, absence);

    private static SyncOptions Options(Action<SyncOptions>? change = null)
    {
        var options = new SyncOptions { MaxLeavers = 10, MaxLeaversPercent = 100, LeaverGraceRuns = 2, LeaverGracePeriod = TimeSpan.FromDays(1) };
        change?.Invoke(options);
        return options;
    }

    [Test]
    public void APersonBulkOnboardDidNotOnboard_IsLeftAlone_NotHeld_UnlessManageExisting()
    {
        var verdict = new LeaverPolicy(Options()).JudgePerson(Member("a@x.example", onboarded: false), Now);
        Assert.That((verdict.LeftAlone, verdict.MayGo), Is.EqualTo((true, false)));
        Assert.That(new LeaverPolicy(Options(o => o.ManageExisting = true)).JudgePerson(Member("a@x.example", onboarded: false), Now).MayGo, Is.True);
    }

    [Test]
    public void TheDefaultAdministrator_IsHeld_EvenWhenAdminsMayGo()
    {
        var verdict = new LeaverPolicy(Options(o => o.AllowAdminLeavers = true)).JudgePerson(Member("boss@x.example", "admin", defaultAdmin: true), Now);
        Assert.That(verdict.Code, Is.EqualTo(LeaverPolicy.CodeDefaultAdmin));
    }

    [TestCase(false, LeaverPolicy.CodeAdmin)]
    [TestCase(true, null)]
    public void AnAdmin_IsHeld_UnlessAllowAdminLeavers(bool allow, string? code) =>
        Assert.That(new LeaverPolicy(Options(o => o.AllowAdminLeavers = allow)).JudgePerson(Member("adm@x.example", "Admin"), Now).Code, Is.EqualTo(code));

    [Test]
    public void AProtectedEmail_IsHeld_HoweverItIsWritten() =>
        Assert.That(new LeaverPolicy(Options(o => o.Protected = [" CEO@x.example "])).JudgePerson(Member("ceo@x.example"), Now).Code, Is.EqualTo(LeaverPolicy.CodeProtected));

    [Test]
    public void TheGrace_HoldsTheAbsent_ByRostersAndByTime_ButNotADatedLeaver()
    {
        var policy = new LeaverPolicy(Options());
        Assert.That(policy.JudgePerson(Member("a@x.example", absence: new Absence(1, Now.AddDays(-3), "s")), Now).Guard, Does.Contain("missing from 1 of the 2"));
        Assert.That(policy.JudgePerson(Member("a@x.example", absence: new Absence(2, Now.AddHours(-23), "s")), Now).Guard, Does.Contain("Sync:LeaverGracePeriod"));
        Assert.That(policy.JudgePerson(Member("a@x.example", absence: new Absence(2, Now.AddHours(-25), "s")), Now).MayGo, Is.True);
        Assert.That(policy.JudgePerson(Member("a@x.example", absence: null), Now).MayGo, Is.True, "a dated leaver's end date is explicit: no grace");
    }

    [Test]
    public void ARosterUnderMinRosterPercent_HoldsEveryLeaver()
    {
        var verdicts = new LeaverPolicy(Options()).Judge([Member("a@x.example")], Quiet with { RosterPeople = 79 }, Now);
        Assert.That(verdicts.Single().Code, Is.EqualTo(LeaverPolicy.CodeRoster));
    }

    [TestCase(0, 10, true)]
    [TestCase(0, 11, false)]
    [TestCase(5, 5, true)]
    [TestCase(5, 6, false)]
    [TestCase(10, 1, false)]
    public void TheCap_CountsTheBatchWithTheLast24Hours_AndHoldsABatchBeyondItWhole(int carried, int going, bool go)
    {
        var leavers = Enumerable.Range(0, going).Select(i => Member($"p{i}@x.example")).ToList();
        var verdicts = new LeaverPolicy(Options()).Judge(leavers, Quiet with { CarriedOutLast24Hours = carried }, Now);
        Assert.That(verdicts.Select(v => v.MayGo), Is.All.EqualTo(go), "all or none: part of a suspicious batch is never carried out");
        if (!go)
        {
            Assert.That(verdicts[0].Guard, Does.Contain("Sync:MaxLeavers (10) allows in 24 hours"));
        }
    }

    [Test]
    public void ThePercentCap_CountsTheLast24HoursToo()
    {
        var policy = new LeaverPolicy(Options(o => o.MaxLeaversPercent = 5));
        Assert.That(policy.Judge([Member("a@x.example")], Quiet with { CarriedOutLast24Hours = 4 }, Now).Single().MayGo, Is.True, "5 of 101");
        Assert.That(policy.Judge([Member("a@x.example"), Member("b@x.example")], Quiet with { CarriedOutLast24Hours = 4 }, Now).Single(v => v.Leaver.Email == "a@x.example").Code,
            Is.EqualTo(LeaverPolicy.CodeCapPercent));
    }

    [Test]
    public void APersonHeldByTheirOwnGuard_DoesNotCountInTheBatch()
    {
        var leavers = Enumerable.Range(0, 10).Select(i => Member($"p{i}@x.example")).Append(Member("adm@x.example", "admin")).ToList();
        var verdicts = new LeaverPolicy(Options()).Judge(leavers, Quiet, Now);
        Assert.That(verdicts.Count(v => v.MayGo), Is.EqualTo(10));
        Assert.That(verdicts.Single(v => !v.MayGo).Code, Is.EqualTo(LeaverPolicy.CodeAdmin));
    }
}
