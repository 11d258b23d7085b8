using System.Text.Json;
using BulkOnboard.Tests.Support;
using BulkOnboard.Validation;

namespace BulkOnboard.Tests.Validation;

/// <summary>
/// python-email-validator's verdicts (Corpora/email-python-email-validator), for every case
/// judged under the policy BulkOnboard shares with it: its defaults, ASCII addresses only (SMTPUTF8 cases are expected invalid), no quoted local
/// parts, no domain literals, no display names. Left out, on purpose: special-use domains (.test,
/// .invalid, ...), which BulkOnboard accepts because test and staging data use them, and the
/// options-only cases (strict length, empty local part, SMTPUTF8 off).
/// </summary>
public class EmailCorpusConformanceTests
{
    private static readonly string[] OptionsOutsideOurPolicy = ["allow_quoted_local", "allow_domain_literal", "allow_empty_local", "strict"];

    public static IEnumerable<TestCaseData> Cases()
    {
        var path = Path.Combine(TestFiles.Corpora, "email-python-email-validator", "python-email-validator-cases.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var item in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            var group = item.GetProperty("group").GetString()!;
            var expected = item.GetProperty("expected").GetString() == "valid";
            var options = item.GetProperty("options");
            string input;
            try
            {
                input = item.GetProperty("input").GetString()!;
            }
            catch (InvalidOperationException)
            {
                continue; // a lone surrogate that System.Text.Json will not decode
            }

            var optionOutsidePolicy = OptionsOutsideOurPolicy.Any(o => options.TryGetProperty(o, out var v) && v.ValueKind == JsonValueKind.True)
                || (options.TryGetProperty("allow_smtputf8", out var utf8) && utf8.ValueKind == JsonValueKind.False);
            if (group is "invalid_reserved_domain" or "test_environment" || (optionOutsidePolicy && expected) || input.Contains('<', StringComparison.Ordinal))
            {
                continue;
            }

            if (optionOutsidePolicy && options.TryGetProperty("strict", out _))
            {
                continue; // invalid only in strict mode
            }

            // BulkOnboard accepts ASCII addresses only (EmailAddress: Tallyfy's rule is RFC/DNS-valid).
            expected = expected && System.Text.Ascii.IsValid(input);
            yield return new TestCaseData(input, expected).SetName($"{group}: {Printable(input)}");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void IsValid_MatchesThePracticalValidator(string input, bool expected) => Assert.That(EmailAddress.IsValid(input), Is.EqualTo(expected));

    private static string Printable(string input) =>
        string.Concat(input.Select(c => char.IsControl(c) || char.IsWhiteSpace(c) || c > 126 ? $"\\u{(int)c:x4}" : c.ToString())).Replace(".", "\u2024", StringComparison.Ordinal);
}
