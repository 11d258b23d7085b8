using System.Text;

namespace BulkOnboard.Input;

/// <summary>Code-page encodings that .NET only offers once their provider is registered.</summary>
internal static class LegacyEncodings
{
    private static readonly Lazy<Encoding> Cp1252 = new(() =>
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252);
    });

    public static Encoding Windows1252 => Cp1252.Value;

    /// <summary>Makes code pages available (old .xls workbooks need them).</summary>
    public static void EnsureRegistered() => _ = Cp1252.Value;
}
