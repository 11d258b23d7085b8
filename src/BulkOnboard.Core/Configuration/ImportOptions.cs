using BulkOnboard.Input;

namespace BulkOnboard.Configuration;

/// <summary>How rows are read and completed. Section <c>Import</c>.</summary>
internal sealed class ImportOptions
{
    public const string Section = "Import";

    /// <summary>Kind of rows whose file has no kind column (<c>guest</c> or <c>member</c>). No default.</summary>
    public string? DefaultKind { get; set; }

    /// <summary>Role for members whose row has none. Default <c>standard</c> (appsettings.json).</summary>
    public string? DefaultRole { get; set; }

    /// <summary>Invitation message for members whose row has none.</summary>
    public string? InviteMessage { get; set; }

    /// <summary>Extra header names per field, such as <c>"email": ["Courriel"]</c>.</summary>
    public Dictionary<string, string[]> ColumnAliases { get; set; } = [];

    /// <summary>Worksheet to read from a workbook (<c>--sheet</c>); the first one when not set.</summary>
    public string? Sheet { get; set; }

    /// <summary>What to do with a guest Tallyfy already has (<c>--on-existing</c>): <c>skip</c> (default) or <c>update</c> its details.</summary>
    public string OnExisting { get; set; } = "skip";

    /// <summary>
    /// List the people Tallyfy already has before sending, so they cost no POST: <c>true</c>
    /// (<c>--preflight</c>) always, <c>false</c> (<c>--no-preflight</c>) never; unset (the default) when the
    /// listing is cheaper than the creates it can save.
    /// </summary>
    public bool? Preflight { get; set; }

    public bool UpdateExisting => string.Equals(OnExisting?.Trim(), "update", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The one rule of update or skip for someone Tallyfy already has: with <c>--on-existing update</c> a
    /// guest's details are updated; a member never is (Tallyfy's API updates no invited member's details).
    /// </summary>
    public static bool Updates(bool updateExisting, PersonKind? kind) => updateExisting && kind == PersonKind.Guest;

    /// <summary><see cref="Updates"/> under these settings.</summary>
    public bool UpdatesExisting(PersonKind? kind) => Updates(UpdateExisting, kind);

    /// <summary>Send rows again even when the journal says an earlier run did them (<c>--force</c>). Default <c>false</c>.</summary>
    public bool Force { get; set; }

    /// <summary>A mapping file (<c>--mapping</c>): columns, value maps, defaults and row filters for the input. None by default.</summary>
    public string? Mapping { get; set; }

    /// <summary>The mapping file, read and checked; <c>null</c> when none is set. Throws <see cref="InputException"/> when it cannot be used.</summary>
    public MappingFile? LoadMapping() => string.IsNullOrWhiteSpace(Mapping) ? null : MappingFile.Load(Mapping.Trim());

    /// <summary>
    /// Opens an input file as these settings say (aliases, worksheet and mapping file); <paramref name="cancellationToken"/>
    /// (Ctrl+C/SIGTERM) ends the first pass, made before any row is read (the file's hash, its quoting, its row count).
    /// </summary>
    public InputTable OpenInputUntil(string path, CancellationToken cancellationToken) => OpenInputUntil(path, [], cancellationToken);

    /// <summary>As <see cref="OpenInputUntil(string, CancellationToken)"/>; <paramref name="scanners"/> see every data row of the first pass.</summary>
    public InputTable OpenInputUntil(string path, IReadOnlyList<IRowScanner> scanners, CancellationToken cancellationToken) =>
        InputTable.Open(path, new HeaderMatcher(ColumnAliases), Sheet, LoadMapping(), scanners, cancellationToken);

    /// <summary>As <see cref="OpenInputUntil(string, CancellationToken)"/>, with the mapping file <paramref name="mapping"/> instead of <see cref="Mapping"/> (an approved plan's own).</summary>
    public InputTable OpenInputUntil(string path, string? mapping, CancellationToken cancellationToken) =>
        InputTable.Open(path, new HeaderMatcher(ColumnAliases), Sheet, mapping is null ? null : MappingFile.Load(mapping), cancellationToken);

    /// <summary>Folder the report files are written to (<c>--out</c>). Default <c>reports</c>.</summary>
    public string ReportFolder { get; set; } = "reports";

    public ImportDefaults ToDefaults() => new(
        PersonKinds.TryParse(DefaultKind, out var kind) ? kind : null,
        string.IsNullOrWhiteSpace(DefaultRole) ? null : DefaultRole.Trim(),
        string.IsNullOrWhiteSpace(InviteMessage) ? null : InviteMessage.Trim());
}
