using BulkOnboard.Input;

namespace BulkOnboard.Plan;

/// <summary>
/// An approved plan no longer says what to do (PRODUCT.md, "One way to change Tallyfy"): it is older than
/// <c>Sync:PlanMaxAge</c>, its roster, mapping or settings changed, or Tallyfy now calls for a change it lacks. One line,
/// nothing sent; an approval asked in Tallyfy for it is stale (asked again), unlike a failure that may pass.
/// </summary>
internal sealed class StalePlanException(string message) : InputException(message);
