using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BulkOnboard.Tests.Support;

/// <summary>A webhook endpoint on 127.0.0.1 that keeps every body it is sent and answers <see cref="Status"/>.</summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public WebhookReceiver()
    {
        var port = FreePort();
        Url = $"http://127.0.0.1:{port}/hook/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Url { get; }

    public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

    public ConcurrentQueue<string> Bodies { get; } = new();

    /// <summary>Each request's <c>Content-Length</c> header as sent (<c>null</c> when it had none: chunked), in arrival order.</summary>
    public ConcurrentQueue<string?> ContentLengths { get; } = new();

    /// <summary>Each request's headers as sent, in arrival order.</summary>
    public ConcurrentQueue<System.Collections.Specialized.NameValueCollection> Headers { get; } = new();

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            ContentLengths.Enqueue(context.Request.Headers["Content-Length"]);
            Headers.Enqueue(new System.Collections.Specialized.NameValueCollection(context.Request.Headers));
            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
            {
                Bodies.Enqueue(await reader.ReadToEndAsync());
            }

            context.Response.StatusCode = (int)Status;
            context.Response.Close();
        }
    }

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}

/// <summary>
/// Just enough SMTP on 127.0.0.1 to take a message (EHLO, MAIL, RCPT, DATA, QUIT, no TLS or AUTH) and keep
/// its raw text, for checking what an e-mail notification holds.
/// </summary>
public sealed class SmtpReceiver : IDisposable
{
    private readonly TcpListener _listener;
    private readonly Task _loop;

    public SmtpReceiver()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public ConcurrentQueue<string> Messages { get; } = new();

    public void Dispose() => _listener.Stop();

    private async Task LoopAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 localhost test SMTP");
            while (await reader.ReadLineAsync() is { } line)
            {
                var verb = line.Split(' ')[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteLineAsync("250-localhost");
                        await writer.WriteLineAsync("250 8BITMIME");
                        break;
                    case "HELO" or "MAIL" or "RCPT" or "RSET" or "NOOP":
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                        var message = new StringBuilder();
                        while (await reader.ReadLineAsync() is { } data && data != ".")
                        {
                            message.Append(data).Append("\r\n");
                        }

                        Messages.Enqueue(message.ToString());
                        await writer.WriteLineAsync("250 queued");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 not implemented");
                        break;
                }
            }
        }
    }
}
