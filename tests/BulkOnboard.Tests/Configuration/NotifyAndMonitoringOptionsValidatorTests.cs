using BulkOnboard.Configuration;
using static BulkOnboard.Tests.Support.BoundOptions;

namespace BulkOnboard.Tests.Configuration;

public class NotifyOptionsValidatorTests
{
    private static readonly NotifyOptionsValidator Validator = new();

    private static readonly string[] Mail = ["Notify:Smtp:Host=127.0.0.1", "Notify:Smtp:From=bulkonboard@x.example", "Notify:Smtp:To=hr@x.example; it@x.example"];

    [Test]
    public void TheDefaults_Pass() => Assert.That(Failures(Validator, "Notify"), Is.Empty);

    [TestCase("Notify:When=ALWAYS", "Notify:Webhook:Url=https://hooks.x.example/a", "Notify:Webhook:Format=teams", "Notify:RetryDelay=00:01:00")]
    [TestCase("Notify:When= problems ", "Notify:Webhook:Url=http://127.0.0.1:8080/hook", "Notify:Webhook:Format=Slack", "Notify:RetryDelay=00:00:00")]
    public void EverySettingAtAGoodValue_Passes(params string[] settings) => Assert.That(Failures(Validator, "Notify", [.. settings, .. Mail]), Is.Empty);

    [TestCase("Notify:When", "sometimes")]
    [TestCase("Notify:Webhook:Url", "hooks.x.example/a")]
    [TestCase("Notify:Webhook:Url", "ftp://hooks.x.example/a")]
    [TestCase("Notify:RetryDelay", "-00:00:01")]
    [TestCase("Notify:RetryDelay", "00:01:00.001")]
    [TestCase("Notify:Webhook:Format", "xml")]
    public void ASettingOutOfRange_FailsNamingIt(string key, string value)
    {
        var failures = Failures(Validator, "Notify", $"{key}={value}");

        Assert.That(failures, Has.Count.EqualTo(1));
        Assert.That(failures[0], Does.StartWith(Named(key)));
    }

    [TestCase("Notify:Smtp:From")]
    [TestCase("Notify:Smtp:To")]
    public void MailWithoutSenderOrRecipients_FailsNamingBoth(string left)
    {
        var failures = Failures(Validator, "Notify", [.. Mail.Where(s => !s.StartsWith(left + "=", StringComparison.Ordinal))]);

        Assert.That(failures, Has.Count.EqualTo(1));
        Assert.That(failures[0], Does.StartWith("e-mail notifications need").And.Contain(Named("Notify:Smtp:From")).And.Contain(Named("Notify:Smtp:To")));
    }

    [TestCase("0")]
    [TestCase("65536")]
    public void MailToAPortOutOfRange_FailsNamingIt(string port)
    {
        var failures = Failures(Validator, "Notify", [.. Mail, $"Notify:Smtp:Port={port}"]);

        Assert.That(failures, Is.EqualTo(new[] { $"{Named("Notify:Smtp:Port")}) must be between 1 and 65535 (is {port})" }));
    }

    [Test]
    public void MailAddressesWithoutAHost_AreNotChecked() =>
        Assert.That(Failures(Validator, "Notify", "Notify:Smtp:From=bulkonboard@x.example"), Is.Empty);

    [Test]
    public void APortOutOfRange_IsRefused_EvenWithoutAHost() =>
        Assert.That(Failures(Validator, "Notify", "Notify:Smtp:Port=-1"), Has.One.Contains("Notify:Smtp:Port"));
}

public class MonitoringOptionsValidatorTests
{
    private static readonly MonitoringOptionsValidator Validator = new();

    [Test]
    public void TheDefaults_Pass_AndListenNowhere()
    {
        Assert.That(Failures(Validator, "Monitoring"), Is.Empty);
        Assert.That(Bind<MonitoringOptions>("Monitoring").Resolve(), Is.Empty);
    }

    [Test]
    public void FullAddressesAndBarePorts_Pass_ABarePortOnLoopback()
    {
        string[] settings = ["Monitoring:Urls=http://127.0.0.1:9187; 9188 ;http://[::1]:9189"];

        Assert.That(Failures(Validator, "Monitoring", settings), Is.Empty);
        Assert.That(Bind<MonitoringOptions>("Monitoring", settings).Resolve(), Is.EqualTo(new[] { "http://127.0.0.1:9187", "http://127.0.0.1:9188", "http://[::1]:9189" }));
    }

    [TestCase("https://127.0.0.1:9187")]
    [TestCase("localhost")]
    [TestCase("99999")]
    [TestCase("http://127.0.0.1:70000")]
    public void AnAddressThatIsNotHttpWithAPort_FailsNamingTheSettingAndTheAddress(string url)
    {
        var failures = Failures(Validator, "Monitoring", $"Monitoring:Urls=9187;{url}");

        Assert.That(failures, Has.Count.EqualTo(1));
        Assert.That(failures[0], Does.StartWith(Named("Monitoring:Urls")).And.Contain($"'{(url == "99999" ? "http://127.0.0.1:99999" : url)}'"));
    }
}
