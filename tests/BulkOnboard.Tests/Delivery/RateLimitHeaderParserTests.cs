using BulkOnboard.Delivery;

namespace BulkOnboard.Tests.Delivery;

public class RateLimitHeaderParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public void Parse_NoHeaders_IsEmpty() => Assert.That(Parse().IsEmpty, Is.True);

    [Test]
    public void Parse_XLimitAndRemaining_StateNoWindowAndNoReset()
    {
        var headers = Parse(("X-RateLimit-Limit", "20"), ("X-RateLimit-Remaining", "7"));

        Assert.That((headers.Limit, headers.Remaining, headers.Reset, headers.Policies), Is.EqualTo(((int?)20, (int?)7, (TimeSpan?)null, (IReadOnlyList<RatePolicy>?)null)));
        Assert.That(headers.Style, Is.EqualTo("X-RateLimit-Limit/-Remaining"));
    }

    [TestCase("42", 42)]
    [TestCase("0.5", 0.5)]
    public void Parse_XResetInSeconds_IsADelay(string reset, double seconds) =>
        Assert.That(Parse(("X-RateLimit-Limit", "100"), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", reset)).Reset, Is.EqualTo(TimeSpan.FromSeconds(seconds)));

    [Test]
    public void Parse_XResetAsUnixTime_IsTheDelayUntilThen()
    {
        var epoch = Now.AddSeconds(90).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.That(Parse(("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", epoch)).Reset, Is.EqualTo(TimeSpan.FromSeconds(90)));
    }

    [Test]
    public void Parse_IetfFieldsWithPolicies_ReadsEveryWindow()
    {
        var headers = Parse(("RateLimit-Limit", "10"), ("RateLimit-Remaining", "3"), ("RateLimit-Reset", "1"), ("RateLimit-Policy", "10;w=1, 1000;w=3600"));

        Assert.That((headers.Limit, headers.Remaining, headers.Reset), Is.EqualTo(((int?)10, (int?)3, (TimeSpan?)TimeSpan.FromSeconds(1))));
        Assert.That(headers.Policies, Is.EqualTo(new[] { new RatePolicy(10, TimeSpan.FromSeconds(1)), new RatePolicy(1000, TimeSpan.FromHours(1)) }));
    }

    [Test]
    public void Parse_StructuredFieldsOfLaterDrafts_ReadRemainingResetAndQuota()
    {
        var headers = Parse(("RateLimit", "\"default\";r=5;t=2"), ("RateLimit-Policy", "\"default\";q=100;w=60"));

        Assert.That((headers.Limit, headers.Remaining, headers.Reset), Is.EqualTo(((int?)100, (int?)5, (TimeSpan?)TimeSpan.FromSeconds(2))));
        Assert.That(headers.Policies, Is.EqualTo(new[] { new RatePolicy(100, TimeSpan.FromMinutes(1)) }));
    }

    [TestCase("abc")]
    [TestCase("10;w=0")]
    [TestCase(";w=5")]
    public void ParsePolicies_Unreadable_IsNull(string value) => Assert.That(RateLimitHeaderParser.ParsePolicies(value), Is.Null);

    [TestCase("X-RateLimit-Reset", "1767225600000", "X-RateLimit-Reset: 1767225600000 (more than 7 days away)")]
    [TestCase("X-RateLimit-Reset", "1e300", "X-RateLimit-Reset: 1e300 (more than 7 days away)")]
    [TestCase("X-RateLimit-Reset", "999999", "X-RateLimit-Reset: 999999 (more than 7 days)")]
    [TestCase("X-RateLimit-Reset", "-1", "X-RateLimit-Reset: -1 (not a number of seconds or a Unix time)")]
    [TestCase("X-RateLimit-Reset", "NaN", "X-RateLimit-Reset: NaN (not a number of seconds or a Unix time)")]
    [TestCase("X-RateLimit-Limit", "99999999999", "X-RateLimit-Limit: 99999999999 (not a count)")]
    public void Parse_AValueOutOfRange_IsIgnored_AndNamed_NeverThrows(string name, string value, string ignored)
    {
        var headers = Parse(("X-RateLimit-Remaining", "3"), (name, value));

        Assert.That(headers.Ignored, Is.EqualTo(new[] { ignored }));
        Assert.That((headers.Remaining, headers.Reset), Is.EqualTo(((int?)3, (TimeSpan?)null)));
    }

    [TestCase("10;w=1e300", "RateLimit-Policy: 10;w=1e300 (more than 7 days)")]
    [TestCase("10;w=Infinity", "RateLimit-Policy: 10;w=Infinity (not a window in seconds)")]
    [TestCase("99999999999;w=60", "RateLimit-Policy: 99999999999 (not a count)")]
    public void Parse_APolicyOutOfRange_IsIgnored_TheOthersKept(string policy, string ignored)
    {
        var headers = Parse(("RateLimit-Policy", policy + ", 1000;w=3600"));

        Assert.That(headers.Ignored, Is.EqualTo(new[] { ignored }));
        Assert.That(headers.Policies, Is.EqualTo(new[] { new RatePolicy(1000, TimeSpan.FromHours(1)) }));
    }

    [Test]
    public void Parse_ACombinedResetOutOfRange_IsIgnored() =>
        Assert.That(Parse(("RateLimit", "\"default\";r=5;t=1e300")).Ignored, Is.EqualTo(new[] { "RateLimit: t=1e300 (more than 7 days)" }));

    private static RateLimitHeaders Parse(params (string Name, string Value)[] headers) =>
        RateLimitHeaderParser.Parse(name => headers.FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value, Now);
}
