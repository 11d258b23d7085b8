using Microsoft.Extensions.Options;

namespace BulkOnboard.Configuration;

/// <summary>Where and as whom to call Tallyfy. Section <c>Tallyfy</c>.</summary>
internal sealed class TallyfyOptions
{
    public const string Section = "Tallyfy";

    /// <summary>API base URL. Default <c>https://go.tallyfy.com/api</c>.</summary>
    public string BaseUrl { get; set; } = "https://go.tallyfy.com/api";

    /// <summary>The organization people are added to. Required.</summary>
    public string? OrganizationId { get; set; }

    /// <summary>A personal access token. Required unless client credentials are set.</summary>
    public string? AccessToken { get; set; }

    /// <summary>Path of a file holding the access token (<c>--token-file</c>): keeps it out of the process list.</summary>
    public string? AccessTokenFile { get; set; }

    /// <summary>Client credentials flow (enterprise): client id.</summary>
    public string? ClientId { get; set; }

    /// <summary>Client credentials flow (enterprise): client secret.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// Client credentials flow: where tokens are obtained. Default: <c>/oauth/token</c> at the root of
    /// <see cref="BaseUrl"/>'s host, outside <c>/api</c> (<c>https://go.tallyfy.com/oauth/token</c>).
    /// </summary>
    public string? TokenUrl { get; set; }

    /// <summary>The token endpoint in force: <see cref="TokenUrl"/>, or the host root's <c>/oauth/token</c>.</summary>
    public Uri ResolveTokenUrl() =>
        !string.IsNullOrWhiteSpace(TokenUrl) ? new Uri(TokenUrl) : new Uri(new Uri(BaseUrl), "/oauth/token");

    /// <summary>The token to send: the configured one, or the trimmed contents of the token file.</summary>
    public string? ResolveAccessToken()
    {
        if (!string.IsNullOrWhiteSpace(AccessToken))
        {
            return AccessToken.Trim();
        }

        return string.IsNullOrWhiteSpace(AccessTokenFile) ? null : ReadTokenFile(AccessTokenFile).Trim();
    }

    /// <summary>A token file is a line of text: a regular file of at most 16 KB.</summary>
    public static string ReadTokenFile(string path) => Input.InputFile.ReadSmallText(path, $"--token-file: {path}", MaxTokenFileBytes);

    private const int MaxTokenFileBytes = 16 * 1024;

    /// <summary>
    /// What is wrong with a token, without showing it: a token is printable ASCII (it goes in an HTTP
    /// header). A line break (a token file of two lines, a value pasted with one) or a character beyond
    /// ASCII would fail every request, or look like an outage.
    /// </summary>
    public static string? TokenProblem(string token)
    {
        for (var i = 0; i < token.Length; i++)
        {
            var c = token[i];
            if (char.IsControl(c))
            {
                return $"holds a control character ({(c is '\n' or '\r' ? "a line break" : $"U+{(int)c:X4}")}, character {i + 1}); a token is one line";
            }

            if (c > '~')
            {
                return $"holds a character that is not ASCII (U+{(int)c:X4}, character {i + 1}); copy the token again from Tallyfy";
            }
        }

        return null;
    }

    /// <summary>Whether a plain-http URL may carry the token: only to this machine.</summary>
    public static bool IsSafeForToken(Uri url) => url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback);
}

internal sealed class TallyfyOptionsValidator : IValidateOptions<TallyfyOptions>
{
    public ValidateOptionsResult Validate(string? name, TallyfyOptions options)
    {
        var failures = new List<string>();
        if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
        {
            failures.Add($"{Setting.Describe("Tallyfy:BaseUrl")} is not an http(s) URL: '{Input.SafeText.Of(options.BaseUrl)}'");
        }
        else if (!TallyfyOptions.IsSafeForToken(baseUrl))
        {
            failures.Add($"{Setting.Describe("Tallyfy:BaseUrl")} is plain http:// to {baseUrl.Host}, which is not this machine: the token would cross the network unencrypted; use https://");
        }

        if (string.IsNullOrWhiteSpace(options.OrganizationId))
        {
            failures.Add($"{Setting.Describe("Tallyfy:OrganizationId", "TALLYFY_ORG_ID")} is not set");
        }

        if (!string.IsNullOrWhiteSpace(options.TokenUrl) && !(Uri.TryCreate(options.TokenUrl, UriKind.Absolute, out var tokenUrl) && tokenUrl.Scheme is "http" or "https"))
        {
            failures.Add($"{Setting.Describe("Tallyfy:TokenUrl")} is not an http(s) URL: '{Input.SafeText.Of(options.TokenUrl)}'");
        }
        else if (!string.IsNullOrWhiteSpace(options.TokenUrl) && !TallyfyOptions.IsSafeForToken(new Uri(options.TokenUrl)))
        {
            failures.Add($"{Setting.Describe("Tallyfy:TokenUrl")} is plain http:// to {new Uri(options.TokenUrl).Host}, which is not this machine: the client secret would cross the network unencrypted; use https://");
        }

        var hasClientCredentials = !string.IsNullOrWhiteSpace(options.ClientId) && !string.IsNullOrWhiteSpace(options.ClientSecret);
        if (!string.IsNullOrWhiteSpace(options.AccessTokenFile) && string.IsNullOrWhiteSpace(options.AccessToken))
        {
            if (!File.Exists(options.AccessTokenFile) && !Directory.Exists(options.AccessTokenFile))
            {
                failures.Add($"--token-file: {options.AccessTokenFile} does not exist");
            }
            else
            {
                try
                {
                    var token = TallyfyOptions.ReadTokenFile(options.AccessTokenFile).Trim();
                    if (token.Length == 0)
                    {
                        failures.Add($"--token-file: {options.AccessTokenFile} is empty");
                    }
                    else if (TallyfyOptions.TokenProblem(token) is { } problem)
                    {
                        failures.Add($"--token-file: the token in {options.AccessTokenFile} {problem}");
                    }
                }
                catch (Input.InputException ex)
                {
                    failures.Add(ex.Message);
                }
            }
        }
        else if (string.IsNullOrWhiteSpace(options.AccessToken) && !hasClientCredentials)
        {
            failures.Add($"{Setting.Describe("Tallyfy:AccessToken", "TALLYFY_ACCESS_TOKEN")} is not set (or use --token-file, or Tallyfy:ClientId and Tallyfy:ClientSecret)");
        }
        else if (!string.IsNullOrWhiteSpace(options.AccessToken) && TallyfyOptions.TokenProblem(options.AccessToken.Trim()) is { } problem)
        {
            failures.Add($"{Setting.Describe("Tallyfy:AccessToken", "TALLYFY_ACCESS_TOKEN")} {problem}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
