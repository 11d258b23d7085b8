using System.Text;
using Microsoft.AspNetCore.Http;
using BulkOnboard.EndToEnd.Tests.Support;
using BulkOnboard.Sandbox;
using BulkOnboard.Tests.Support;

namespace BulkOnboard.EndToEnd.Tests.Sources;

/// <summary>
/// Named sources with the <c>workday-raas</c> and <c>bamboohr-report</c> presets: each builds its URL and
/// authentication from a few settings; the HTTPS test server answers only with the right credentials.
/// </summary>
public class PresetSourceTests
{
    private const string WorkdayPassword = "wd-PASSWORD-93kq";
    private const string BambooKey = "bhr-APIKEY-5x7y";

    private Workspace _workspace = null!;
    private SandboxServer _sandbox = null!;
    private HttpsSourceServer _server = null!;
    private Dictionary<string, string?> _settings = null!;

    [SetUp]
    public async Task SetUp()
    {
        _workspace = new Workspace();
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions());
        _server = await HttpsSourceServer.StartAsync(_workspace.Folder);
        _settings = CliRun.SettingsFor(_sandbox);
        _settings["Sources:CaCertificate"] = _server.CaFile;
        _settings["Journal:Path"] = Path.Combine(_workspace.Folder, "journal.db");
    }

    [TearDown]
    public async Task TearDown()
    {
        await _server.DisposeAsync();
        await _sandbox.DisposeAsync();
        _workspace.Dispose();
    }

    [Test]
    public async Task WorkdayRaas_FetchesTheCustomReport_WithBasicAuth()
    {
        ServeWithBasicAuth("/ccx/service/customreport2/acme/hr.bot/New_Hires", "format=csv", "ISU_BulkOnboard", WorkdayPassword, HttpsSourceTests.Roster(4));
        _settings["Sources:workday:Preset"] = "workday-raas";
        _settings["Sources:workday:Host"] = $"127.0.0.1:{_server.Port}";
        _settings["Sources:workday:Tenant"] = "acme";
        _settings["Sources:workday:Owner"] = "hr.bot";
        _settings["Sources:workday:Report"] = "New_Hires";
        _settings["Sources:workday:Username"] = "ISU_BulkOnboard";
        _settings["Sources:workday:PasswordFile"] = _workspace.Write("wd-password.txt", WorkdayPassword + "\n");
        using var hook = new WebhookReceiver();
        _settings["Notify:Webhook:Url"] = hook.Url;
        _settings["Notify:When"] = "always";

        var result = await CliRun.RunAsync(_settings, "import", "workday", "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_sandbox.State.Guests, Has.Count.EqualTo(4));
        Assert.That(Directory.GetFiles(_workspace.ReportFolder, "workday.*.results.csv"), Has.Length.EqualTo(1));
        AssertNoSecret(WorkdayPassword, result, hook);
    }

    [Test]
    public async Task BambooHrReport_FetchesTheReport_WithTheApiKeyAsUser()
    {
        ServeWithBasicAuth("/api/gateway.php/acme/v1/reports/321", "format=CSV&onlyCurrent=false", BambooKey, "x", HttpsSourceTests.Roster(3));
        _settings["Sources:bamboo:Preset"] = "bamboohr-report";
        _settings["Sources:bamboo:BaseUrl"] = _server.Url(string.Empty);
        _settings["Sources:bamboo:Subdomain"] = "acme";
        _settings["Sources:bamboo:ReportId"] = "321";
        _settings["Sources:bamboo:ApiKey"] = BambooKey;
        using var hook = new WebhookReceiver();
        _settings["Notify:Webhook:Url"] = hook.Url;
        _settings["Notify:When"] = "always";

        var result = await CliRun.RunAsync(_settings, "import", "bamboo", "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(_sandbox.State.Guests, Has.Count.EqualTo(3));
        AssertNoSecret(BambooKey, result, hook);
    }

    [Test]
    public async Task APreset_WithAWrongPassword_IsRefusedAccess_Exit6_WithoutTheSecretAnywhere()
    {
        ServeWithBasicAuth("/api/gateway.php/acme/v1/reports/321", "format=CSV&onlyCurrent=false", "the-right-key", "x", HttpsSourceTests.Roster(3));
        _settings["Sources:bamboo:Preset"] = "bamboohr-report";
        _settings["Sources:bamboo:BaseUrl"] = _server.Url(string.Empty);
        _settings["Sources:bamboo:Subdomain"] = "acme";
        _settings["Sources:bamboo:ReportId"] = "321";
        _settings["Sources:bamboo:ApiKey"] = BambooKey;
        using var hook = new WebhookReceiver();
        _settings["Notify:Webhook:Url"] = hook.Url;

        var result = await CliRun.RunAsync(_settings, "import", "bamboo", "--out", _workspace.ReportFolder);

        Assert.That(result.ExitCode, Is.EqualTo(6), result.ToString());
        Assert.That(HttpsSourceTests.ErrorLine(result), Does.Contain("refused access (HTTP 401)"));
        Assert.That(hook.Bodies, Has.Count.EqualTo(1));
        AssertNoSecret(BambooKey, result, hook);
    }

    private void ServeWithBasicAuth(string path, string query, string user, string password, string csv)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        _server.Answer(path, async context =>
        {
            if (context.Request.Headers.Authorization.ToString() != expected || context.Request.QueryString.Value != "?" + query)
            {
                context.Response.StatusCode = 401;
                return;
            }

            context.Response.ContentType = "text/csv";
            await context.Response.WriteAsync(csv);
        });
    }

    private void AssertNoSecret(string secret, CliResult result, WebhookReceiver hook)
    {
        var reports = Directory.Exists(_workspace.ReportFolder) ? string.Concat(Directory.GetFiles(_workspace.ReportFolder).Select(File.ReadAllText)) : string.Empty;
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(secret))[..8];
        foreach (var text in new[] { result.Out, result.Error, reports, string.Concat(hook.Bodies) })
        {
            Assert.That(text, Does.Not.Contain(secret).And.Not.Contain(base64));
        }
    }
}
