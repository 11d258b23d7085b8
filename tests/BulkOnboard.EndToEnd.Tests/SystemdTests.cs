using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using BulkOnboard.EndToEnd.Tests.Support;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>The watch service as a systemd <c>Type=notify</c> unit: it tells the notify socket it is ready, and that it stops.</summary>
[Platform(Include = "Linux")]
public class SystemdTests
{
    [Test]
    public async Task UnderSystemd_TheServiceReportsReady_AndStopping()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("systemd runs on Linux only");
        }

        using var workspace = new Workspace();
        var socketPath = Path.Combine(Path.GetTempPath(), $"bo-notify-{Guid.NewGuid():N}.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));

        // As systemd starts a Type=notify unit: NOTIFY_SOCKET set, and the parent process named "systemd"
        // (what Microsoft.Extensions.Hosting.Systemd checks): here a copy of /bin/sh called systemd.
        var systemd = Path.Combine(workspace.Folder, "systemd");
        File.Copy("/bin/sh", systemd);
        var cli = Path.Combine(AppContext.BaseDirectory, "bulkonboard.dll");
        var start = new ProcessStartInfo(systemd) { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = workspace.Folder };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"dotnet \"{cli}\" watch --sandbox --inbox \"{Path.Combine(workspace.Folder, "inbox")}\"; exit $?");
        start.Environment["NOTIFY_SOCKET"] = socketPath;
        start.Environment["Journal__Enabled"] = "false";
        start.Environment["CI"] = "true";
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var ready = await ReceiveAsync(socket, TimeSpan.FromSeconds(30));
            Assert.That(ready, Does.Contain("READY=1"));

            // SIGTERM to the service itself (the child of "systemd"), as systemctl stop does.
            Process.Start("pkill", ["-TERM", "-P", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            var stopping = await ReceiveAsync(socket, TimeSpan.FromSeconds(30));
            Assert.That(stopping, Does.Contain("STOPPING=1"));
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.That(process.ExitCode, Is.EqualTo(0));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            File.Delete(socketPath);
        }
    }

    private static async Task<string> ReceiveAsync(Socket socket, TimeSpan limit)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(limit);
        var received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, received);
    }
}
