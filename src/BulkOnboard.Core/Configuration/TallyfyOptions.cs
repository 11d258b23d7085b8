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
