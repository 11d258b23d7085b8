using BulkOnboard.Configuration;
using BulkOnboard.Tests.Support;
using static BulkOnboard.Tests.Support.BoundOptions;

namespace BulkOnboard.Tests.Configuration;

public class TallyfyOptionsValidatorTests
{
    private const string Token = "tok_0123456789abcdef";

    private static readonly TallyfyOptionsValidator Validator = new();

    private static readonly string[] Required = ["Tallyfy:OrganizationId=org1", $"Tallyfy:AccessToken={Token}"];

    private TestFiles _files = null!;

    [SetUp]
    public void SetUp() => _files = new TestFiles();

    [TearDown]
    public void TearDown() => _files.Dispose();

    [Test]
    public void TheDefaults_FailOnlyForTheTwoRequiredSettings_NamingTheirEnvironmentVariables()
    {
        var failures = Failures(Validator, "Tallyfy");

        Assert.That(failures, Has.Count.EqualTo(2));
        Assert.That(failures[0], Is.EqualTo("Tallyfy:OrganizationId (environment variable Tallyfy__OrganizationId or TALLYFY_ORG_ID) is not set"));
        Assert.That(failures[1], Does.StartWith("Tallyfy:AccessToken (environment variable Tallyfy__AccessToken or TALLYFY_ACCESS_TOKEN) is not set"));
    }

    [TestCase]
    [TestCase("Tallyfy:BaseUrl=http://127.0.0.1:5080/api", "Tallyfy:TokenUrl=http://localhost:5080/oauth/token")]
    [TestCase("Tallyfy:BaseUrl=https://eu.tallyfy.example/api", "Tallyfy:TokenUrl=https://login.tallyfy.example/oauth/token")]
    public void TheRequiredSettings_WithHttpsOrLoopbackUrls_Pass(params string[] settings) =>
        Assert.That(Failures(Validator, "Tallyfy", [.. Required, .. settings]), Is.Empty);

    [Test]
    public void ClientCredentials_TakeThePlaceOfAToken() =>
        Assert.That(Failures(Validator, "Tallyfy", "Tallyfy:OrganizationId=org1", "Tallyfy:ClientId=id", "Tallyfy:ClientSecret=secret"), Is.Empty);

    [Test]
    public void AClientIdWithoutItsSecret_IsNoToken() =>
        Assert.That(Failures(Validator, "Tallyfy", "Tallyfy:OrganizationId=org1", "Tallyfy:ClientId=id").Single(), Does.StartWith(Named("Tallyfy:AccessToken")));

    [TestCase("Tallyfy:BaseUrl", "go.tallyfy.com/api", "is not an http(s) URL: 'go.tallyfy.com/api'")]
    [TestCase("Tallyfy:BaseUrl", "ftp://go.tallyfy.com/api", "is not an http(s) URL")]
    [TestCase("Tallyfy:BaseUrl", "http://go.tallyfy.com/api", "is plain http:// to go.tallyfy.com, which is not this machine")]
    [TestCase("Tallyfy:TokenUrl", "/oauth/token", "is not an http(s) URL: '/oauth/token'")]
    [TestCase("Tallyfy:TokenUrl", "http://10.0.0.5/oauth/token", "is plain http:// to 10.0.0.5, which is not this machine: the client secret")]
    public void AUrlThatIsNotHttpsOrLoopback_FailsNamingIt(string key, string value, string problem)
    {
        var failures = Failures(Validator, "Tallyfy", [.. Required, $"{key}={value}"]);

        Assert.That(failures, Has.Count.EqualTo(1));
        Assert.That(failures[0], Does.StartWith(Named(key)).And.Contain(problem));
    }

    [TestCase("tok_ab\ncd", "a line break, character 7")]
    [TestCase("tok_ab\u0007cd", "U+0007, character 7")]
    [TestCase("tok_abécd", "not ASCII (U+00E9, character 7)")]
    public void AnAccessTokenThatCannotGoInAHeader_FailsNamingTheSetting_WithoutShowingIt(string token, string problem)
    {
        var failures = Failures(Validator, "Tallyfy", "Tallyfy:OrganizationId=org1", $"Tallyfy:AccessToken={token}");

        Assert.That(failures, Has.Count.EqualTo(1));
        Assert.That(failures[0], Does.StartWith(Named("Tallyfy:AccessToken")).And.Contain(problem).And.Not.Contain("tok_ab"));
    }

    [Test]
    public void ATokenFile_WithOneLine_Passes()
    {
        var file = _files.Write("token.txt", Token + "\n");

        Assert.That(Failures(Validator, "Tallyfy", "Tallyfy:OrganizationId=org1", $"Tallyfy:AccessTokenFile={file}"), Is.Empty);
        Assert.That(Bind<TallyfyOptions>("Tallyfy", $"Tallyfy:AccessTokenFile={file}").ResolveAccessToken(), Is.EqualTo(Token));
    }

    [TestCase("", "is empty")]
    [TestCase("  \n", "is empty")]
    [TestCase("tok_one\ntok_two\n", "holds a control character (a line break, character 8); a token is one line")]
    public void ATokenFileThatHoldsNoUsableToken_FailsNamingTheFile(string text, string problem)
    {
        var file = _files.Write("token.txt", text);

        var failures = Failures(Validator, "Tallyfy", "Tallyfy:OrganizationId=org1", $"Tallyfy:AccessTokenFile={file}");

        Assert.That(failures, Has.Count.EqualTo(1));
        Assert.That(failures[0], Does.StartWith("--token-file: ").And.Contain(file).And.Contain(problem).And.Not.Contain("tok_one"));
    }

    [Test]
    public void ATokenFileThatIsMissing_AFolder_OrTooLarge_FailsNamingIt()
    {
        var missing = Path.Combine(_files.Folder, "missing.txt");
        var folder = Directory.CreateDirectory(Path.Combine(_files.Folder, "folder")).FullName;
        var large = _files.Write("large.txt", new string('a', (16 * 1024) + 1));

        Assert.That(TokenFileFailure(missing), Is.EqualTo($"--token-file: {missing} does not exist"));
        Assert.That(TokenFileFailure(folder), Does.StartWith($"--token-file: {folder}"));
        Assert.That(TokenFileFailure(large), Is.EqualTo($"--token-file: {large}: larger than 16 KB; this is not the file you meant"));
    }

    [Test]
    public void ATokenFile_IsNotReadWhenATokenIsSet() =>
        Assert.That(Failures(Validator, "Tallyfy", [.. Required, $"Tallyfy:AccessTokenFile={Path.Combine(_files.Folder, "missing.txt")}"]), Is.Empty);

    private string TokenFileFailure(string path) =>
        Failures(Validator, "Tallyfy", "Tallyfy:OrganizationId=org1", $"Tallyfy:AccessTokenFile={path}").Single();
}
