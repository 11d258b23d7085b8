using BulkOnboard.Delivery;
using BulkOnboard.Journal;
using BulkOnboard.Tests.Support;

namespace BulkOnboard.Tests.Journal;

/// <summary>The caps the API taught one run (<c>api_caps</c>, <c>api_cap_sends</c>) are what the next run of the organization starts from.</summary>
public class RememberedCapsTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private JournalFolder _journal = null!;

    [SetUp]
    public void SetUp() => _journal = new JournalFolder();

    [TearDown]
    public void TearDown() => _journal.Dispose();

    [Test]
    public async Task ACap_IsReadBackByTheNextRun_WithTheSendsStillInsideItsWindow()
    {
        var now = JournalFolder.Start;
        var learnedAt = now.AddMinutes(-50);
        await RememberAsync(new LearnedCap(RequestScope.GuestCreate, new ApiLimit(30, Hour, "the 429's body"), [now.AddMinutes(-50), now.AddMinutes(-10)], learnedAt));

        _journal.Time.Advance(TimeSpan.FromMinutes(5));
        var soon = (await RememberedAsync()).Single();

        Assert.That((soon.Scope, soon.Limit.Requests, soon.Limit.Window, soon.LearnedAt), Is.EqualTo((RequestScope.GuestCreate, 30, Hour, learnedAt)));
        Assert.That(soon.Limit.Source, Is.EqualTo("remembered from an earlier run (the 429's body)"));
        Assert.That(soon.RecentSends, Is.EqualTo(new[] { now.AddMinutes(-50), now.AddMinutes(-10) }), "55 minutes on, both sends still count against the hour");

        _journal.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.That((await RememberedAsync()).Single().RecentSends, Is.EqualTo(new[] { now.AddMinutes(-10) }), "65 minutes on, the first send is out of the (widened) hour");
    }

    [Test]
    public async Task RememberingAgain_ReplacesThatKindsCapAndSends_AndKeepsTheOtherKinds()
    {
        var now = JournalFolder.Start;
        await RememberAsync(
            new LearnedCap(RequestScope.GuestCreate, new ApiLimit(30, Hour, "429"), [now.AddMinutes(-5), now.AddMinutes(-4)], now.AddMinutes(-5)),
            new LearnedCap(RequestScope.MemberInvite, new ApiLimit(100, TimeSpan.FromMinutes(1), "headers"), [now.AddSeconds(-20)], now.AddSeconds(-20)));
        await RememberAsync(new LearnedCap(RequestScope.GuestCreate, new ApiLimit(20, Hour, "a later 429"), [now.AddMinutes(-1)], now.AddMinutes(-1)));

        var caps = (await RememberedAsync()).ToDictionary(c => c.Scope);

        Assert.That(caps.Keys, Is.EquivalentTo(new[] { RequestScope.GuestCreate, RequestScope.MemberInvite }));
        Assert.That((caps[RequestScope.GuestCreate].Limit.Requests, caps[RequestScope.GuestCreate].RecentSends), Is.EqualTo((20, new[] { now.AddMinutes(-1) })));
        Assert.That((caps[RequestScope.MemberInvite].Limit.Requests, caps[RequestScope.MemberInvite].RecentSends), Is.EqualTo((100, new[] { now.AddSeconds(-20) })));
    }

    [Test]
    public async Task ACapPassedOnFromRunToRun_IsSaidToBeRememberedOnce()
    {
        await RememberAsync(new LearnedCap(RequestScope.GuestCreate, new ApiLimit(30, Hour, "429"), [], JournalFolder.Start));
        await RememberAsync((await RememberedAsync()).Single());

        Assert.That((await RememberedAsync()).Single().Limit.Source, Is.EqualTo("remembered from an earlier run (429)"));
    }

    [Test]
    public async Task ACapOlderThanThirtyDays_IsLearnedAgain()
    {
        var start = JournalFolder.Start;
        await RememberAsync(
            new LearnedCap(RequestScope.GuestCreate, new ApiLimit(30, Hour, "429"), [], start.AddDays(-30)),
            new LearnedCap(RequestScope.MemberInvite, new ApiLimit(100, Hour, "429"), [], start.AddDays(-29)));

        Assert.That((await RememberedAsync()).Select(c => c.Scope), Is.EqualTo(new[] { RequestScope.MemberInvite }));
    }

    [Test]
    public async Task ACap_IsKeptPerOrganization()
    {
        await RememberAsync(new LearnedCap(RequestScope.GuestCreate, new ApiLimit(30, Hour, "429"), [JournalFolder.Start], JournalFolder.Start));

        await using var other = _journal.Open(target: "https://tallyfy.test/api|org2");
        Assert.That(other.RememberedCaps(), Is.Empty);
    }

    [Test]
    public async Task NothingToRemember_WritesNothing()
    {
        await RememberAsync();

        Assert.That(_journal.Scalar("SELECT COUNT(*) FROM api_caps;"), Is.EqualTo(0L));
    }

    /// <summary>One run that learned these caps and kept them.</summary>
    [Test]
    public async Task ThePaceA429Taught_IsReadBackByTheNextRun_ButNotRefreshedByARunThatOnlyKeptIt()
    {
        await using (var run = _journal.Open())
        {
            await run.RememberCapsAsync([], new ApiLimit(10, TimeSpan.FromSeconds(1), "429s: requests accepted in the second before"));
        }

        ApiLimit? kept;
        await using (var run = _journal.Open())
        {
            kept = run.RememberedPace();
            Assert.That(run.RememberedCaps(), Is.Empty, "the pace is no cap of one kind of request");
            await run.RememberCapsAsync([], kept);
        }

        Assert.That((kept!.Requests, kept.Window, kept.Source), Is.EqualTo((10, TimeSpan.FromSeconds(1), "remembered from an earlier run (429s: requests accepted in the second before)")));
        _journal.Time.Advance(TimeSpan.FromDays(31));
        await using (var run = _journal.Open())
        {
            Assert.That(run.RememberedPace(), Is.Null, "forgotten 30 days after it was learned, however often it was used");
        }
    }

    private async Task RememberAsync(params LearnedCap[] caps)
    {
        await using var run = _journal.Open();
        await run.RememberCapsAsync(caps);
    }

    /// <summary>What the next run starts from, at the fake clock's time.</summary>
    private async Task<List<LearnedCap>> RememberedAsync()
    {
        await using var run = _journal.Open();
        return run.RememberedCaps();
    }
}
