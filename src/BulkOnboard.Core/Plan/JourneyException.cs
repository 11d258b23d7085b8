namespace BulkOnboard.Plan;

/// <summary>
/// A journey cannot run as configured against Tallyfy's templates (a template, kick-off field or step that
/// does not exist or is ambiguous, a step a guest would hold alone): the message is one line naming the
/// journey and what is wrong. The caller stops the run (exit 1) before anything is written.
/// </summary>
internal sealed class JourneyException(string message) : Exception(message);
