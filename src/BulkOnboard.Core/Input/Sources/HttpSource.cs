using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace BulkOnboard.Input.Sources;

/// <summary>
/// Fetches an <c>https://</c> source (or <c>http://</c> on loopback). Certificate validation is always on:
/// a private CA (<c>Sources:CaCertificate</c>) is trusted by building the server's chain against that CA
/// alone, never by accepting what fails. Redirects are not followed (the headers carry credentials). Its
/// own client, not the factory's: the factory's logging would write the URL's query string to the log.
/// </summary>
/// <remarks>
/// <see cref="SourceLimits.Timeout"/> bounds the wait for the answer's headers (the client's timeout) and
/// then every read of its body (a server that sends its headers and stalls is given up); the caller's
/// token carries the whole fetch's deadline.
/// </remarks>
internal sealed class HttpSource(string? caCertificate, SourceLimits limits, TimeProvider timeProvider)
{
    public async Task<FetchedSource> FetchAsync(SourceDefinition source, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, ConnectTimeout = TimeSpan.FromSeconds(30) };
        var ca = LoadCa();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusted(certificate as X509Certificate2, errors, ca);
        using var http = new HttpClient(handler) { Timeout = limits.Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Get, source.Url);
        foreach (var (name, value) in source.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (source.Username is { } user && !source.Headers.ContainsKey("Authorization"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{source.Password}")));
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.InnerException is System.Security.Authentication.AuthenticationException)
        {
            throw new InputException($"{source.Display}: its certificate is not trusted (set Sources:CaCertificate to the PEM file of a private CA); nothing was sent");
        }
        catch (HttpRequestException ex)
        {
            throw new InputException($"{source.Display}: cannot be fetched ({ex.HttpRequestError}); nothing was sent");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InputException($"{source.Display}: no answer within {limits.Timeout} (Sources:Timeout); nothing was sent");
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new SourceRefusedException($"source {source.Display} refused access (HTTP {(int)response.StatusCode}); check its credentials; nothing was sent");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new InputException($"{source.Display}: answered HTTP {(int)response.StatusCode}{((int)response.StatusCode is >= 300 and < 400 ? " (a redirect, not followed)" : string.Empty)}; nothing was sent");
            }

            var declared = response.Content.Headers.ContentLength;
            return await FetchedSource.CreateAsync(source, limits.MaxBytes, async (file, token) =>
            {
                long copied;
                try
                {
                    await using var body = await response.Content.ReadAsStreamAsync(token);
                    await limits.CopyAsync(body, file, source.Display, timeProvider, token);
                    copied = file.Position;
                }
                catch (IOException) when (!token.IsCancellationRequested)
                {
                    throw new SourceRefusedException($"source {source.Display} was cut short: the connection ended before {(declared is { } promised ? $"the {promised.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} bytes it declared" : "the end of its chunked body")}; nothing was sent");
                }

                if (declared is { } length && copied < length)
                {
                    throw new SourceRefusedException($"source {source.Display} is shorter ({copied:N0} bytes) than its declared Content-Length ({length:N0}); nothing was sent");
                }

                return new SourceMetadata(response.Headers.ETag?.Tag, response.Content.Headers.LastModified, response.Content.Headers.ContentType?.MediaType);
            }, cancellationToken);
        }
    }

    private X509Certificate2Collection? LoadCa()
    {
        if (caCertificate is null)
        {
            return null;
        }

        try
        {
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPemFile(caCertificate);
            return certificates.Count > 0 ? certificates : throw new InputException($"Sources:CaCertificate {caCertificate}: holds no certificate");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new InputException($"Sources:CaCertificate {caCertificate}: cannot be read as a PEM certificate ({ex.Message})");
        }
    }

    /// <summary>
    /// The system's verdict when it trusts the certificate; otherwise the chain is built again with the
    /// private CA as the only root. A name mismatch is never forgiven.
    /// </summary>
    internal static bool Trusted(X509Certificate2? certificate, SslPolicyErrors errors, X509Certificate2Collection? ca)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (ca is null || certificate is null || errors != SslPolicyErrors.RemoteCertificateChainErrors)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(ca);
        // A private CA rarely publishes revocation lists; requiring one would refuse every server it signed.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
