using Renci.SshNet;
using Renci.SshNet.Common;

namespace BulkOnboard.Input.Sources;

/// <summary>
/// Fetches an <c>sftp://user@host[:port]/path</c> source with SSH.NET. The host key must match the pinned
/// fingerprint (<c>HostKey</c>, <c>SHA256:...</c> as <c>ssh-keygen -lf</c> prints it): a key never seen is
/// not trusted on first use, and no pin means no connection. Authentication by private key file or password.
/// Every SFTP request waits at most <see cref="SourceLimits.Timeout"/> for its answer (SSH.NET's
/// <c>OperationTimeout</c>: a server that stalls mid-file is given up); the caller's token carries the deadline.
/// </summary>
internal sealed class SftpSource(SourceLimits limits)
{
    public async Task<FetchedSource> FetchAsync(SourceDefinition source, CancellationToken cancellationToken)
    {
        var url = source.Url!;
        var where = source.Name is { } name ? $"Sources:{name}:HostKey" : "Sources:HostKey";
        if (source.HostKey is not { } pin)
        {
            throw new SourceRefusedException($"source {source.Display}: no host key is pinned ({where}, SHA256:... as ssh-keygen -lf prints it); an SFTP host is never trusted on first use; nothing was sent");
        }

        if (string.IsNullOrEmpty(source.Username))
        {
            throw new InputException($"{source.Display}: no user; give sftp://user@host/path or set Sources:Username");
        }

        var methods = new List<AuthenticationMethod>();
        if (source.PrivateKeyFile is { } keyFile)
        {
            try
            {
                methods.Add(new PrivateKeyAuthenticationMethod(source.Username, source.PrivateKeyPassphrase is { } phrase ? new PrivateKeyFile(keyFile, phrase) : new PrivateKeyFile(keyFile)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SshException or ArgumentException)
            {
                throw new InputException($"{source.Display}: the private key file {keyFile} cannot be used ({ex.GetType().Name})");
            }
        }

        if (source.Password is { } password)
        {
            methods.Add(new PasswordAuthenticationMethod(source.Username, password));
        }

        if (methods.Count == 0)
        {
            throw new InputException($"{source.Display}: no credentials; set PrivateKeyFile, or Password / PasswordFile (Sources:... or Sources:<name>:...)");
        }

        var info = new ConnectionInfo(url.Host, url.Port > 0 ? url.Port : 22, source.Username, [.. methods]) { Timeout = TimeSpan.FromSeconds(30) };
        using var client = new SftpClient(info) { OperationTimeout = limits.Timeout };
        string? presented = null;
        client.HostKeyReceived += (_, e) =>
        {
            presented = "SHA256:" + e.FingerPrintSHA256;
            e.CanTrust = string.Equals(presented, Normalize(pin), StringComparison.Ordinal);
        };

        try
        {
            await client.ConnectAsync(cancellationToken);
        }
        catch (SshConnectionException) when (presented is not null && presented != Normalize(pin))
        {
            throw new SourceRefusedException($"source {source.Display} presented the host key {presented}, not the one pinned in {where}; refused (if the server's key really changed, pin the new one); nothing was sent");
        }
        catch (SshAuthenticationException)
        {
            throw new SourceRefusedException($"source {source.Display} refused access (SFTP authentication failed for user {source.Username}); check its credentials; nothing was sent");
        }
        catch (Exception ex) when (ex is SshException or System.Net.Sockets.SocketException or IOException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            throw new InputException($"{source.Display}: cannot be reached ({ex.GetType().Name}); nothing was sent");
        }

        var path = Uri.UnescapeDataString(url.AbsolutePath);
        try
        {
            var attributes = await client.GetAttributesAsync(path, cancellationToken);
            if (!attributes.IsRegularFile)
            {
                throw new InputException($"{source.Display}: is not a regular file; only regular files are read");
            }

            return await FetchedSource.CreateAsync(source, limits.MaxBytes, async (file, token) =>
            {
                await client.DownloadFileAsync(path, file, token);
                if (file.Position < attributes.Size)
                {
                    throw new SourceRefusedException($"source {source.Display} is shorter ({file.Position:N0} bytes) than the server said ({attributes.Size:N0}); nothing was sent");
                }

                return new SourceMetadata(null, new DateTimeOffset(attributes.LastWriteTimeUtc, TimeSpan.Zero), null);
            }, cancellationToken);
        }
        catch (SshOperationTimeoutException)
        {
            throw limits.Stalled(source.Display);
        }
        catch (SftpPathNotFoundException)
        {
            throw new InputException($"{source.Display}: file not found on the server");
        }
        catch (SftpPermissionDeniedException)
        {
            throw new SourceRefusedException($"source {source.Display} refused access (SFTP permission denied); nothing was sent");
        }
        finally
        {
            if (client.IsConnected)
            {
                client.Disconnect();
            }
        }
    }

    /// <summary><c>SHA256:abc=</c> and <c>abc</c> name the same key: ssh-keygen prints no padding.</summary>
    private static string Normalize(string pin)
    {
        var text = pin.Trim();
        text = text.StartsWith("SHA256:", StringComparison.OrdinalIgnoreCase) ? text[7..] : text;
        return "SHA256:" + text.TrimEnd('=');
    }
}
