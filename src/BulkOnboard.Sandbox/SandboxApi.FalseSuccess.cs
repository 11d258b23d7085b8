using System.Text;
using Microsoft.AspNetCore.Http;

namespace BulkOnboard.Sandbox;

/// <summary>
/// The broken gateway (<see cref="SandboxOptions.FalseSuccess"/>): a write answered 2xx with an error flag, a
/// sign-in page or nothing, before it is applied or after (<see cref="SandboxOptions.FalseSuccessApplied"/>).
/// </summary>
internal sealed partial class SandboxApi
{
    private int _falseSuccesses;

    /// <summary>Whether this write gets the false answer at this point: before it is applied (<paramref name="applied"/> false), or after.</summary>
    private bool TakeFalseSuccess(HttpContext http, bool applied)
    {
        if (options.FalseSuccess is null || options.FalseSuccessApplied != applied || HttpMethods.IsGet(http.Request.Method))
        {
            return false;
        }

        return options.FalseSuccessWrites is not { } writes || Interlocked.Increment(ref _falseSuccesses) <= writes;
    }

    private async Task RespondFalseSuccessAsync(HttpContext http, string? email, bool applied)
    {
        var (status, contentType, body) = options.FalseSuccess switch
        {
            "error-json" => (200, "application/json", """{"error":true,"message":"Internal failure, nothing was saved"}"""),
            "login-page" => (201, "text/html; charset=utf-8", "<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><form method=\"post\" action=\"/sso/login\"><input name=\"username\"></form></body></html>"),
            _ => (201, null, string.Empty),
        };
        state.Requests.Enqueue(new ReceivedRequest(timeProvider.GetUtcNow(), http.Request.Method, http.Request.Path, email, status, applied) { RequestId = http.Response.Headers["X-Request-Id"] });
        http.Response.StatusCode = status;
        if (contentType is not null)
        {
            http.Response.ContentType = contentType;
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        http.Response.ContentLength = bytes.Length;
        try
        {
            await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client went away; what happened is recorded already.
        }
    }

    /// <summary>The values <see cref="SandboxOptions.FalseSuccess"/> takes.</summary>
    private static void CheckFalseSuccess(string? value)
    {
        if (value is not (null or "error-json" or "login-page" or "empty"))
        {
            throw new InvalidDataException($"Sandbox:FalseSuccess must be error-json, login-page or empty (is '{value}')");
        }
    }
}
