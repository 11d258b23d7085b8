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

        return string.IsNullOrWhiteSpace(AccessTokenFile) ? null : File.ReadAllText(AccessTokenFile).Trim();
    }
}

internal sealed class TallyfyOptionsValidator : IValidateOptions<TallyfyOptions>
{
    public ValidateOptionsResult Validate(string? name, TallyfyOptions options)
    {
        var failures = new List<string>();
        if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
        {
            failures.Add($"{Setting.Describe("Tallyfy:BaseUrl")} is not an http(s) URL: '{options.BaseUrl}'");
        }

        if (string.IsNullOrWhiteSpace(options.OrganizationId))
        {
            failures.Add($"{Setting.Describe("Tallyfy:OrganizationId", "TALLYFY_ORG_ID")} is not set");
        }

        if (!string.IsNullOrWhiteSpace(options.TokenUrl) && !(Uri.TryCreate(options.TokenUrl, UriKind.Absolute, out var tokenUrl) && tokenUrl.Scheme is "http" or "https"))
        {
            failures.Add($"{Setting.Describe("Tallyfy:TokenUrl")} is not an http(s) URL: '{options.TokenUrl}'");
        }

        var hasClientCredentials = !string.IsNullOrWhiteSpace(options.ClientId) && !string.IsNullOrWhiteSpace(options.ClientSecret);
        if (!string.IsNullOrWhiteSpace(options.AccessTokenFile) && string.IsNullOrWhiteSpace(options.AccessToken))
        {
            if (!File.Exists(options.AccessTokenFile))
            {
                failures.Add($"--token-file: {options.AccessTokenFile} does not exist");
            }
            else if (string.IsNullOrWhiteSpace(File.ReadAllText(options.AccessTokenFile)))
            {
                failures.Add($"--token-file: {options.AccessTokenFile} is empty");
            }
        }
        else if (string.IsNullOrWhiteSpace(options.AccessToken) && !hasClientCredentials)
        {
            failures.Add($"{Setting.Describe("Tallyfy:AccessToken", "TALLYFY_ACCESS_TOKEN")} is not set (or use --token-file, or Tallyfy:ClientId and Tallyfy:ClientSecret)");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
