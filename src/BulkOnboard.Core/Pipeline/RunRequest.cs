namespace BulkOnboard.Pipeline;

/// <summary>Whether rows are sent, or only validated.</summary>
public enum RunMode
{
    Import,
    Validate,
}

/// <summary>One run over one input file.</summary>
public sealed record RunRequest(string InputPath, RunMode Mode);
