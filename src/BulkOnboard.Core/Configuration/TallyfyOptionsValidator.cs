using Microsoft.Extensions.Options;

namespace BulkOnboard.Configuration;

/// <summary>The start-up checks of <see cref="TallyfyOptions"/>: a setting out of range stops the command with one line naming it.</summary>
internal sealed class TallyfyOptionsValidator : IValidateOptions<TallyfyOptions>
{
    public ValidateOptionsResult Validate(string? name, TallyfyOptions options)
    {
        var failures = new List<string>();
        if (Input.SafeText.ControlProblem(options.BaseUrl) is { } baseProblem)
        {
            failures.Add($"{Setting.Describe("Tallyfy:BaseUrl")} {baseProblem}; a URL is one line");
        }
        else if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
        {
            failures.Add($"{Setting.Describe("Tallyfy:BaseUrl")} is not an http(s) URL: '{Input.SafeText.Of(options.BaseUrl)}'");
        }
        else if (!TallyfyOptions.IsSafeForToken(baseUrl))
        {
            failures.Add($"{Setting.Describe("Tallyfy:BaseUrl")} is plain http:// to {baseUrl.Host}, which is not this machine: the token would cross the network unencrypted; use https://");
        }
        else if (baseUrl.UserInfo.Length > 0 || baseUrl.Query.Length > 0 || baseUrl.Fragment.Length > 0)
        {
            // Tallyfy's address is kept in the journal and shown in logs: a credential in it would be too. The token goes in its own setting.
            failures.Add($"{Setting.Describe("Tallyfy:BaseUrl")} holds {(baseUrl.UserInfo.Length > 0 ? "a user name or password (user@)" : "a query or fragment (?... or #...)")}; give only the address, such as https://go.tallyfy.com/api, and the token in Tallyfy:AccessToken");
        }

        if (string.IsNullOrWhiteSpace(options.OrganizationId))
        {
            failures.Add($"{Setting.Describe("Tallyfy:OrganizationId", "TALLYFY_ORG_ID")} is not set");
        }
        else if (Input.SafeText.ControlProblem(options.OrganizationId) is { } organizationProblem)
        {
            // Sent as is, /organizations/org123%0A/ fails every request 404.
            failures.Add($"{Setting.Describe("Tallyfy:OrganizationId", "TALLYFY_ORG_ID")} {organizationProblem}; an organization id is one word");
        }
        else if (options.OrganizationId.Trim() != options.OrganizationId || options.OrganizationId.Contains(' ', StringComparison.Ordinal))
        {
            failures.Add($"{Setting.Describe("Tallyfy:OrganizationId", "TALLYFY_ORG_ID")} holds a space; an organization id is one word");
        }

        foreach (var (key, value) in new[] { ("Tallyfy:TokenUrl", options.TokenUrl), ("Tallyfy:ClientId", options.ClientId), ("Tallyfy:ClientSecret", options.ClientSecret) })
        {
            if (Input.SafeText.ControlProblem(value) is { } problem)
            {
                failures.Add($"{Setting.Describe(key)} {problem}; it is one line");
            }
        }

        if (!string.IsNullOrWhiteSpace(options.TokenUrl) && !(Uri.TryCreate(options.TokenUrl, UriKind.Absolute, out var tokenUrl) && tokenUrl.Scheme is "http" or "https"))
        {
            failures.Add($"{Setting.Describe("Tallyfy:TokenUrl")} is not an http(s) URL: '{Input.SafeText.Of(options.TokenUrl)}'");
        }
        else if (!string.IsNullOrWhiteSpace(options.TokenUrl) && new Uri(options.TokenUrl).UserInfo.Length > 0)
        {
            failures.Add($"{Setting.Describe("Tallyfy:TokenUrl")} holds a user name or password (user@); the client's credentials go in Tallyfy:ClientId and Tallyfy:ClientSecret");
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
