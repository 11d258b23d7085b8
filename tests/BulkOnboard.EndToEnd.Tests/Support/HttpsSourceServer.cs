using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BulkOnboard.EndToEnd.Tests.Support;

/// <summary>
/// A real HTTPS server on loopback (Kestrel) for sources: its certificate is signed by a throwaway CA made
/// here, whose PEM file the CLI is told to trust (<c>Sources:CaCertificate</c>). Each path answers as the
/// test says; every request's headers are kept.
/// </summary>
internal sealed class HttpsSourceServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _routes = new(StringComparer.Ordinal);

    private HttpsSourceServer(WebApplication app, string caFile, int port)
    {
        _app = app;
        CaFile = caFile;
        Port = port;
    }

    /// <summary>The CA's certificate, PEM: the value of <c>Sources:CaCertificate</c>.</summary>
    public string CaFile { get; }

    public int Port { get; }

    public string Url(string pathAndQuery) => $"https://127.0.0.1:{Port}{pathAndQuery}";

    /// <summary>The Authorization header of each request, in arrival order.</summary>
    public ConcurrentQueue<string?> Authorizations { get; } = new();

    public void Answer(string path, Func<HttpContext, Task> handler) => _routes[path] = handler;

    /// <summary>A CSV body with 200, and a Last-Modified when given.</summary>
    public void Csv(string path, string body, DateTimeOffset? lastModified = null, string contentType = "text/csv") => Answer(path, async context =>
    {
        context.Response.ContentType = contentType;
        if (lastModified is { } modified)
        {
            context.Response.Headers.LastModified = modified.ToString("R");
        }

        context.Response.Headers.ETag = "\"" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(body)))[..16] + "\"";
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes);
    });

    public static async Task<HttpsSourceServer> StartAsync(string folder)
    {
        var (ca, server) = Certificates();
        var caFile = Path.Combine(folder, "test-ca.pem");
        await File.WriteAllTextAsync(caFile, ca.ExportCertificatePem());
        var port = WebhookPort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(server)));
        var app = builder.Build();
        var created = new HttpsSourceServer(app, caFile, port);
        app.Run(async context =>
        {
            created.Authorizations.Enqueue(context.Request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null);
            if (created._routes.TryGetValue(context.Request.Path.Value ?? string.Empty, out var handler))
            {
                await handler(context);
            }
            else
            {
                context.Response.StatusCode = 404;
            }
        });
        await app.StartAsync();
        return created;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static int WebhookPort() => BulkOnboard.Tests.Support.WebhookReceiver.FreePort();

    /// <summary>A CA and a server certificate for 127.0.0.1 signed by it, both made with CertificateRequest.</summary>
    private static (X509Certificate2 Ca, X509Certificate2 Server) Certificates()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=BulkOnboard test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(7));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = request.Create(ca, now.AddDays(-1), now.AddDays(6), RandomNumberGenerator.GetBytes(8));
        using var withKey = signed.CopyWithPrivateKey(serverKey);

        // Kestrel on Linux wants a certificate whose key is not ephemeral: round-trip through PKCS#12.
        var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        return (ca, server);
    }
}
