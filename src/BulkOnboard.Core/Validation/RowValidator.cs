using BulkOnboard.Input;

namespace BulkOnboard.Validation;

/// <summary>
/// Turns raw records into validated rows: resolves each row's kind, fills in defaults, applies every
/// documented API rule (<see cref="Check"/>, thread-safe, so large files are checked on every core),
/// and marks the second and later rows with the same email and kind as duplicates
/// (<see cref="Deduplicate"/>, called in input order, which is what makes "second and later" well defined).
/// </summary>
internal sealed class RowValidator
{
    private readonly ColumnMap _columns;
    private readonly ImportDefaults _defaults;
    private readonly GuestValidator _guests;
    private readonly MemberValidator _members;
    private readonly EmailIndex _firstRow = new();
    private readonly bool _filtered;
    private readonly bool _hasGroups;
    private readonly bool _hasManager;
    private readonly RowDates? _dates;

    /// <param name="dates">How the date columns are read (<see cref="RowDates.Decide"/>), when the file has any.</param>
    public RowValidator(ColumnMap columns, ImportDefaults defaults, RowDates? dates = null)
    {
        _dates = dates;
        _columns = columns;
        _filtered = columns.Filters.Count > 0;
        _hasGroups = columns.Has(Field.Groups);
        _hasManager = columns.Has(Field.Manager);
        _defaults = defaults;
        _guests = new GuestValidator(columns);
        _members = new MemberValidator(columns);
        _fieldColumns = [.. Enumerable.Range(0, columns.HeaderCells.Count).Where(i => columns.FieldAt(i) is not null)];
    }

    // The columns that feed a field: only what is sent is checked for control characters.
    private readonly int[] _fieldColumns;

    /// <summary>
    /// Checks, before any row is read, that every row can get a kind; returns the problem, or <c>null</c>.
    /// </summary>
    public static string? CheckKindSource(ColumnMap columns, ImportDefaults defaults) =>
        columns.Has(Field.Kind) || defaults.Kind is not null
            ? null
            : "the file has no kind column (Type, Kind, User Type or Person Type), so say what its rows are: --kind guest or --kind member (or set Import:DefaultKind, or a kind column or default in the mapping file)";

    /// <summary>Checks one row and marks it if it repeats an earlier one; rows must come in input order.</summary>
    public ValidatedRow Validate(RawRecord record) => Deduplicate(Check(record));

    /// <summary>Marks a checked row that repeats an earlier valid row of the same kind; call in input order.</summary>
    public ValidatedRow Deduplicate(ValidatedRow row)
    {
        if (row.Payload is not { } payload || row.Kind is not { } kind)
        {
            return row;
        }

        return _firstRow.FirstRowOrAdd(kind, payload.Email, row.RowNumber) is { } firstRow
            ? row with { DuplicateOfRow = firstRow }
            : row;
    }

    /// <summary>Sizes the duplicate index once for a file expected to hold about this many rows.</summary>
    public void ExpectRows(int rows)
    {
        if (rows > _firstRow.Count)
        {
            _firstRow.EnsureCapacity(rows);
        }
    }

    /// <summary>Resolves the kind, applies defaults and every API rule. Thread-safe.</summary>
    public ValidatedRow Check(RawRecord record)
    {
        var email = Get(record, Field.Email) ?? string.Empty;
        if (_filtered && _columns.FilteredOut(record.Cells) is { } why)
        {
            return new ValidatedRow(record, StatedKind(record), email, null, [], null) { FilteredBecause = why };
        }

        if ((record.Problem ?? ControlCharacter(record)) is { } unreadable)
        {
            return Invalid(record, StatedKind(record), email, unreadable);
        }

        var kindText = Get(record, Field.Kind);
        PersonKind? kind = _defaults.Kind;
        if (kindText is not null)
        {
            if (!PersonKinds.TryParse(kindText, out var parsed))
            {
                return InvalidKind(record, email, $"{_columns.DisplayName(Field.Kind)}: '{kindText}' is not a kind; use guest or member{(_columns.Mapping is null ? string.Empty : " (or map it in the mapping file's values.kind)")}");
            }

            kind = parsed;
        }

        if (kind is not { } resolved)
        {
            return InvalidKind(record, email, $"{_columns.DisplayName(Field.Kind)}: empty, and no default kind (pass --kind or set Import:DefaultKind)");
        }

        var draft = Draft(record, resolved);
        PersonRules validator = resolved == PersonKind.Guest ? _guests : _members;
        if (!validator.Passes(draft))
        {
            // Only a row that fails a check pays for FluentValidation: it words the errors.
            var result = validator.Validate(draft);
            if (!result.IsValid)
            {
                return new ValidatedRow(record, resolved, email, null, [.. result.Errors.Select(e => e.ErrorMessage)], null);
            }
        }

        var payload = ToPayload(draft);
        PersonDates? dates = null;
        if (_dates is not null)
        {
            (dates, var errors) = _dates.Read(Get(record, Field.StartDate), Get(record, Field.EndDate), Get(record, Field.Timezone));
            if (errors.Count > 0)
            {
                return new ValidatedRow(record, resolved, email, null, [.. errors], null);
            }
        }

        // The manager only says who takes a leaver's work over: a cell that is no email (many HR exports name
        // the manager, "Jane Boss") names nobody, and never keeps the person from being onboarded.
        string? manager = null;
        if (_hasManager && Get(record, Field.Manager) is { } managerCell && EmailAddress.IsValid(managerCell.Trim()))
        {
            manager = EmailAddress.Normalize(managerCell);
        }

        // The HR key: any text; a row without one is known by its email.
        var employeeId = Get(record, Field.EmployeeId) is { Length: > 0 } key ? key.Trim() : null;
        if (!_hasGroups)
        {
            return new ValidatedRow(record, resolved, payload.Email, payload, [], null) { Dates = dates, Manager = manager, NamesNoManager = _hasManager && manager is null, EmployeeId = employeeId };
        }

        var groups = FieldRules.ParseGroups(Get(record, Field.Groups));
        if (groups.FirstOrDefault(g => g.Length > FieldRules.MaxGroupName) is { } tooLong)
        {
            return Invalid(record, resolved, email, $"{_columns.DisplayName(Field.Groups)}: group name '{tooLong[..40]}...' is longer than {FieldRules.MaxGroupName} characters");
        }

        return new ValidatedRow(record, resolved, payload.Email, payload, [], null) { Groups = groups, Dates = dates, Manager = manager, NamesNoManager = _hasManager && manager is null, EmployeeId = employeeId };
    }

    /// <summary>
    /// A row without a usable kind, reported with every other problem it has whatever kind it was meant
    /// to be (those both kinds' rules find: a bad email, an unknown time zone), so one fix settles the row.
    /// </summary>
    private ValidatedRow InvalidKind(RawRecord record, string email, string kindError)
    {
        var asGuest = _guests.Validate(Draft(record, PersonKind.Guest)).Errors.Select(e => e.ErrorMessage).ToList();
        var asMember = _members.Validate(Draft(record, PersonKind.Member)).Errors.Select(e => e.ErrorMessage).ToHashSet(StringComparer.Ordinal);
        return new(record, null, email, null, [kindError, .. asGuest.Where(asMember.Contains).Distinct(StringComparer.Ordinal)], null);
    }

    // C0 controls but tab and line breaks (a quoted cell may hold those), and DEL: nothing a person's name or address holds.
    private static readonly System.Buffers.SearchValues<char> Controls = System.Buffers.SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\u007F");

    /// <summary>The problem of a field's cell holding a control character (a NUL byte, an escape), or <c>null</c>: such a value is never sent.</summary>
    private string? ControlCharacter(RawRecord record)
    {
        foreach (var i in _fieldColumns)
        {
            var at = i < record.Cells.Length ? record.Cells[i].AsSpan().IndexOfAny(Controls) : -1;
            if (at >= 0)
            {
                var header = i < _columns.HeaderCells.Count ? _columns.HeaderCells[i].Trim() : $"column {i + 1}";
                return $"{header}: holds a control character (U+{(int)record.Cells[i][at]:X4}), which no name or address has; fix the file";
            }
        }

        return null;
    }

    /// <summary>The row's kind as its cell or the default says, for a row settled before its kind is checked.</summary>
    private PersonKind? StatedKind(RawRecord record) => PersonKinds.TryParse(Get(record, Field.Kind), out var kind) ? kind : _defaults.Kind;

    private static ValidatedRow Invalid(RawRecord record, PersonKind? kind, string email, string error) =>
        new(record, kind, email, null, [error], null);

    private PersonDraft Draft(RawRecord record, PersonKind kind) => new()
    {
        Kind = kind,
        Email = Get(record, Field.Email),
        FirstName = Get(record, Field.FirstName),
        LastName = Get(record, Field.LastName),
        CompanyName = Get(record, Field.CompanyName),
        Phone1 = Get(record, Field.Phone1),
        Phone2 = Get(record, Field.Phone2),
        Role = Get(record, Field.Role) ?? _defaults.Role,
        Timezone = Get(record, Field.Timezone),
        AssociatedMembers = Get(record, Field.AssociatedMembers),
        Message = Get(record, Field.Message) ?? _defaults.InviteMessage,
        CompanyUrl = Get(record, Field.CompanyUrl),
        ContactUrl = Get(record, Field.ContactUrl),
        ImageUrl = Get(record, Field.ImageUrl),
        OpportunityName = Get(record, Field.OpportunityName),
        OpportunityUrl = Get(record, Field.OpportunityUrl),
        Status = Get(record, Field.Status),
        ExternalSyncSource = Get(record, Field.ExternalSyncSource),
        ExternalDateCreation = Get(record, Field.ExternalDateCreation),
    };

    private static PersonPayload ToPayload(PersonDraft d) => d.Kind switch
    {
        PersonKind.Member => new MemberPayload
        {
            Email = d.Email!,
            FirstName = d.FirstName,
            LastName = d.LastName,
            Role = d.Role!.ToLowerInvariant(),
            Message = d.Message!,
            Timezone = TimeZoneNames.Canonicalize(d.Timezone),
        },
        _ => new GuestPayload
        {
            Email = d.Email!,
            FirstName = d.FirstName,
            LastName = d.LastName,
            Phone1 = d.Phone1,
            Phone2 = d.Phone2,
            CompanyName = d.CompanyName,
            CompanyUrl = d.CompanyUrl,
            ContactUrl = d.ContactUrl,
            ImageUrl = d.ImageUrl,
            OpportunityName = d.OpportunityName,
            OpportunityUrl = d.OpportunityUrl,
            Status = d.Status,
            Timezone = TimeZoneNames.Canonicalize(d.Timezone),
            AssociatedMembers = d.AssociatedMembers is null ? null : FieldRules.ParseMemberIds(d.AssociatedMembers),
            ExternalSyncSource = d.ExternalSyncSource?.ToLowerInvariant(),
            ExternalDateCreation = d.ExternalDateCreation,
        },
    };

    /// <summary>A cell's value as it is sent: the spreadsheet escapes taken off (<see cref="CellText.AsSent"/>).</summary>
    private string? Get(RawRecord record, string field) => CellText.AsSent(_columns.Get(record.Cells, field));
}
