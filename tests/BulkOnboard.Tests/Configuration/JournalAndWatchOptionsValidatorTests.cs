using BulkOnboard.Journal;
using BulkOnboard.Watching;
using static BulkOnboard.Tests.Support.BoundOptions;

namespace BulkOnboard.Tests.Configuration;

public class JournalOptionsValidatorTests
{
    private static readonly JournalOptionsValidator Validator = new();

    [Test]
    public void TheDefaults_Pass_WithTheDocumentedValues()
    {
        var options = Bind<JournalOptions>("Journal");

        Assert.That(Failures(Validator, "Journal"), Is.Empty);
        Assert.That((options.Enabled, options.BusyTimeout), Is.EqualTo((true, TimeSpan.FromSeconds(10))));
        Assert.That(options.ResolvePath(), Does.EndWith(Path.Combine("BulkOnboard", "journal.db")));
    }

    [Test]
    public void ARelativePath_IsResolvedAgainstTheWorkingDirectory() =>
        Assert.That(Bind<JournalOptions>("Journal", "Journal:Path=state/journal.db").ResolvePath(), Is.EqualTo(Path.GetFullPath("state/journal.db")));

    [TestCase("00:00:00")]
    [TestCase("-00:00:01")]
    public void ABusyTimeoutThatIsNotPositive_FailsNamingIt(string value) =>
        Assert.That(Failures(Validator, "Journal", $"Journal:BusyTimeout={value}"),
            Is.EqualTo(new[] { $"{Named("Journal:BusyTimeout")}) must be a positive duration (is {TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture)})" }));

    [Test]
    public void APathThatCannotBeAFile_FailsNamingIt()
    {
        var failures = Failures(Validator, "Journal", "Journal:Path=journal\0.db");

        Assert.That(failures, Has.Count.EqualTo(1));
        Assert.That(failures[0], Does.StartWith($"{Named("Journal:Path")}) is 'journal\0.db', which is not a usable file path ("));
    }
}

public class WatchOptionsValidatorTests
{
    private static readonly WatchOptionsValidator Validator = new();

    [Test]
    public void TheDefaults_Pass() => Assert.That(Failures(Validator, "Watch"), Is.Empty);

    [TestCase("Watch:Mode=SYNC", "Watch:ParallelFiles=1", "Watch:SettleTime=00:00:00", "Watch:ShutdownTimeout=00:00:00", "Watch:ScanInterval=00:00:00.001")]
    [TestCase("Watch:Mode= import ", "Watch:Inbox=/srv/hr/inbox", "Watch:ParallelFiles=16")]
    public void GoodValues_AndTheBoundsThemselves_Pass(params string[] settings) => Assert.That(Failures(Validator, "Watch", settings), Is.Empty);

    [TestCase("Watch:Mode", "roster")]
    [TestCase("Watch:Mode", "")]
    [TestCase("Watch:Inbox", " ")]
    [TestCase("Watch:ParallelFiles", "0")]
    [TestCase("Watch:SettleTime", "-00:00:01")]
    [TestCase("Watch:ScanInterval", "-00:00:01")]
    [TestCase("Watch:ScanInterval", "00:00:00")]
    [TestCase("Watch:ShutdownTimeout", "-00:00:01")]
    public void ASettingOutOfRange_FailsNamingIt(string key, string value)
    {
        var failures = Failures(Validator, "Watch", $"{key}={value}");

        Assert.That(failures, Has.Count.EqualTo(1));
        Assert.That(failures[0], Does.StartWith(Named(key)));
    }
}
