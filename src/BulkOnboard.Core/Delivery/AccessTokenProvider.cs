using System.Net.Http.Json;
using System.Text.Json.Serialization;
using BulkOnboard.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BulkOnboard.Delivery;

/// <summary>A token the token endpoint refused: no request can succeed, the run stops.</summary>
internal sealed class TokenRefusedException(string message) : Exception(message);

/// <summary>
/// The bearer token for every request: the configured personal access token, or one obtained with the
/// client-credentials flow (<c>POST</c> to <c>Tallyfy:TokenUrl</c>, by default <c>/oauth/token</c> at the host root), shared by all workers, renewed shortly before
/// <c>expires_in</c> runs out, and renewed at once after a 401.
/// </summary>
internal sealed class AccessTokenProvider(IHttpClientFactory httpClients, IOptions<TallyfyOptions> options, TimeProvider timeProvider, ILogger<AccessTokenProvider> logger)
{
    public const string HttpClientName = "tallyfy-oauth";

    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly string? _staticToken = options.Value.ResolveAccessToken();
    private string? _token;
    private DateTimeOffset _renewAt;

    /// <summary>Whether a refused token can be replaced (client credentials), rather than ending the run.</summary>
    public bool CanRenew => _staticToken is null;

    /// <summary>Secrets that must never appear in anything written: the tokens and the client secret.</summary>
    public string?[] Secrets => [_staticToken, _token, options.Value.ClientSecret];

    public async ValueTask<string> GetAsync(CancellationToken cancellationToken)
    {
        if (_staticToken is not null)
        {
            return _staticToken;
        }

        if (_token is { } current && timeProvider.GetUtcNow() < _renewAt)
        {
            return current;
        }

        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_token is { } fresh && timeProvider.GetUtcNow() < _renewAt)
            {
                return fresh;
            }

            return await RequestAsync(cancellationToken);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>The API refused <paramref name="token"/>: the next request gets a new one.</summary>
    public void Renew(string token)
    {
        if (CanRenew && token == _token)
        {
            _renewAt = DateTimeOffset.MinValue;
        }
    }

    private async Task<string> RequestAsync(CancellationToken cancellationToken)
    {
        var http = httpClients.CreateClient(HttpClientName);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = options.Value.ClientId ?? string.Empty,
            ["client_secret"] = options.Value.ClientSecret ?? string.Empty,
            ["scope"] = "*",
        });
        using var response = await http.PostAsync(options.Value.ResolveTokenUrl(), form, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var body = SecretRedactor.Redact(await response.Content.ReadAsStringAsync(cancellationToken), options.Value.ClientSecret);
            var message = $"the client credentials (Tallyfy:ClientId, Tallyfy:ClientSecret) were refused: HTTP {(int)response.StatusCode} {body}".Trim();
            if ((int)response.StatusCode >= 500)
            {
                throw new HttpRequestException(message, null, response.StatusCode);
            }

            throw new TokenRefusedException(message);
        }

        var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
            ?? throw new TokenRefusedException("the token endpoint answered without a token");
        var lifetime = TimeSpan.FromSeconds(Math.Max(1, token.ExpiresIn));

        // Renew a little early: at most a minute, at most a tenth of the lifetime.
        var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, lifetime.Ticks / 10));
        _token = token.AccessToken;
        _renewAt = timeProvider.GetUtcNow() + lifetime - margin;
        logger.LogInformation("Obtained an access token with client credentials, valid for {Lifetime}", lifetime);
        return token.AccessToken;
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] long ExpiresIn,
        [property: JsonPropertyName("token_type")] string? TokenType);
}
