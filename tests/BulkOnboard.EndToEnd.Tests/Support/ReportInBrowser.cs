using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace BulkOnboard.EndToEnd.Tests.Support;

/// <summary>One element of the report that names a figure of a JSON report file (<c>data-figure</c>, <c>data-plan-figure</c>), as the browser shows it.</summary>
public sealed record ShownFigure(string Key, long Value, string Text, bool Visible);

/// <summary>
/// A report.html opened from disk (<c>file://</c>) in a real headless browser: Debian's <c>chromium</c> (what
/// <c>.ci/run</c> installs), driven by Playwright, which downloads no browser of its own. Everything the page
/// logged as an error, threw, or tried to fetch is kept. Where chromium is not installed, the test is ignored, saying so.
/// </summary>
internal sealed class ReportInBrowser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly List<string> _errors = [];
    private readonly List<string> _fetched = [];

    private ReportInBrowser(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
    }

    public IPage Page { get; }

    /// <summary>Console errors, uncaught exceptions and failed loads, in the order they came.</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>Every request the page made beyond the report itself (a self-contained report makes none).</summary>
    public IReadOnlyList<string> Fetched => _fetched;

    /// <summary>The Debian chromium binary: <c>BULKONBOARD_CHROMIUM</c> when set, else <c>chromium</c> on the PATH.</summary>
    public static string? Chromium()
    {
        if (Environment.GetEnvironmentVariable("BULKONBOARD_CHROMIUM") is { Length: > 0 } named)
        {
            return File.Exists(named) ? named : null;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin")
            .SelectMany(folder => new[] { "chromium", "chromium-browser" }.Select(name => Path.Combine(folder, name)))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Ignores the test, saying why, where there is no chromium to check the report in (before it spends time on a run).</summary>
    public static string IgnoreUnlessInstalled() => Chromium() ?? Ignored();

    private static string Ignored()
    {
        Assert.Ignore("The HTML report is checked in Debian's chromium, which is not installed here (apt-get install chromium; .ci/run installs it "
            + "when it can; BULKONBOARD_CHROMIUM names another binary)");
        return string.Empty;
    }

    public static async Task<ReportInBrowser> OpenAsync(string htmlPath)
    {
        var chromium = IgnoreUnlessInstalled();

        var playwright = await Playwright.CreateAsync();
        IBrowser browser;
        try
        {
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true, Timeout = 60_000 });
        }
        catch
        {
            playwright.Dispose();
            throw;
        }

        var page = await browser.NewPageAsync();
        var opened = new ReportInBrowser(playwright, browser, page);
        var self = new Uri(htmlPath).AbsoluteUri;
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                opened._errors.Add($"console {message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => opened._errors.Add($"page error: {error}");
        page.RequestFailed += (_, request) => opened._errors.Add($"failed to load {request.Url}: {request.Failure}");
        page.Request += (_, request) =>
        {
            if (request.Url != self)
            {
                opened._fetched.Add(request.Url);
            }
        };
        var response = await page.GotoAsync(self, new PageGotoOptions { WaitUntil = WaitUntilState.Load, Timeout = 60_000 });
        Assert.That(response?.Ok ?? true, Is.True, $"{htmlPath} opens");
        return opened;
    }

    /// <summary>The elements naming a figure with <paramref name="attribute"/>: its name, value, the text shown, whether it is on screen.</summary>
    public async Task<IReadOnlyList<ShownFigure>> FiguresAsync(string attribute = "data-figure")
    {
        var found = await Page.Locator($"[{attribute}]").EvaluateAllAsync<string[][]>(
            $"elements => elements.map(e => {{ const box = e.getBoundingClientRect(); return [e.getAttribute('{attribute}'), e.getAttribute('data-value'), e.innerText, String(box.width > 0 && box.height > 0)]; }})");
        return [.. found.Select(f => new ShownFigure(f[0], long.Parse(f[1], CultureInfo.InvariantCulture), f[2], f[3] == "true"))];
    }

    /// <summary>Checks every figure the page shows under <paramref name="attribute"/> against the JSON file it names it from, and returns their names.</summary>
    public async Task<IReadOnlyList<string>> AssertFiguresEqualAsync(string jsonPath, string attribute = "data-figure")
    {
        using var json = JsonDocument.Parse(File.ReadAllText(jsonPath));
        var figures = await FiguresAsync(attribute);
        Assert.That(figures, Is.Not.Empty, $"the report shows figures of {Path.GetFileName(jsonPath)}");
        foreach (var figure in figures)
        {
            var element = json.RootElement;
            foreach (var name in figure.Key.Split('.'))
            {
                Assert.That(element.TryGetProperty(name, out element), Is.True, $"{figure.Key} is in {Path.GetFileName(jsonPath)}");
            }

            Assert.That(figure.Value, Is.EqualTo(element.GetInt64()), $"{figure.Key}: the report shows what {Path.GetFileName(jsonPath)} says");
            Assert.That(figure.Visible, Is.True, $"{figure.Key} is on screen");
            if (!figure.Key.EndsWith("_ms", StringComparison.Ordinal))
            {
                Assert.That(figure.Text.Replace(",", string.Empty, StringComparison.Ordinal), Is.EqualTo(figure.Value.ToString(CultureInfo.InvariantCulture)), $"{figure.Key} as shown");
            }
        }

        return [.. figures.Select(f => f.Key)];
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}
