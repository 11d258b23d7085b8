using System.Diagnostics;
using System.Net.Sockets;

namespace BulkOnboard.EndToEnd.Tests.Support;

/// <summary>
/// A real SFTP server on loopback: OpenSSH's <c>sshd</c> started with a generated config on a free port,
/// a throwaway host key and one authorized client key (both made with <c>ssh-keygen</c>), for the current
/// user, <c>internal-sftp</c>. Tests that need it are ignored, with the reason, where sshd is not installed.
/// </summary>
internal sealed class SftpServer : IDisposable
{
    public const string Sshd = "/usr/sbin/sshd";

    private readonly Process _process;

    private SftpServer(string folder, int port, Process process, string hostKeyFingerprint)
    {
        Folder = folder;
        Port = port;
        _process = process;
        HostKeyFingerprint = hostKeyFingerprint;
    }

    public string Folder { get; }

    public int Port { get; }

    /// <summary>The host key's fingerprint as <c>ssh-keygen -lf</c> prints it (<c>SHA256:...</c>).</summary>
    public string HostKeyFingerprint { get; }

    public string ClientKey => Path.Combine(Folder, "client_key");

    public static string User => Environment.UserName;

    public string Url(string path) => $"sftp://{User}@127.0.0.1:{Port}{path}";

    /// <summary>Starts sshd, or ignores the test when it cannot run here.</summary>
    public static SftpServer Start(string folder)
    {
        if (!File.Exists(Sshd) || OperatingSystem.IsWindows())
        {
            Assert.Ignore($"{Sshd} is not installed (apt-get install openssh-server): the SFTP tests need a real server");
        }

        Directory.CreateDirectory(folder);
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(folder, "host_key"));
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(folder, "client_key"));
        File.Copy(Path.Combine(folder, "client_key.pub"), Path.Combine(folder, "authorized_keys"));
        var fingerprint = Run("ssh-keygen", "-lf", Path.Combine(folder, "host_key.pub")).Split(' ')[1];
        if (Environment.UserName == "root")
        {
            // sshd started as root wants its privilege-separation folder (the package's service makes it).
            Directory.CreateDirectory("/run/sshd");
        }

        var port = BulkOnboard.Tests.Support.WebhookReceiver.FreePort();
        var config = Path.Combine(folder, "sshd_config");
        File.WriteAllText(config, $"""
            ListenAddress 127.0.0.1
            HostKey {Path.Combine(folder, "host_key")}
            PidFile {Path.Combine(folder, "sshd.pid")}
            AuthorizedKeysFile {Path.Combine(folder, "authorized_keys")}
            StrictModes no
            UsePAM no
            PermitRootLogin prohibit-password
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            AllowUsers {Environment.UserName}
            Subsystem sftp internal-sftp
            """);
        var process = Process.Start(new ProcessStartInfo(Sshd, ["-D", "-e", "-f", config, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new SftpServer(folder, port, process, fingerprint);
        server.WaitUntilListening();
        return server;
    }

    /// <summary>The fingerprint of another key, as an attacker's server would present.</summary>
    public static string OtherFingerprint(string folder)
    {
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(folder, "other_key"));
        return Run("ssh-keygen", "-lf", Path.Combine(folder, "other_key.pub")).Split(' ')[1];
    }

    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private void WaitUntilListening()
    {
        var until = Stopwatch.StartNew();
        while (until.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (_process.HasExited)
            {
                Assert.Fail($"sshd exited at once with code {_process.ExitCode}");
            }

            try
            {
                using var client = new TcpClient();
                client.Connect("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        Assert.Fail("sshd did not listen within 10 s");
    }

    private static string Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output.Trim() : throw new InvalidOperationException($"{file} failed: {process.StandardError.ReadToEnd()}");
    }
}
