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
}
