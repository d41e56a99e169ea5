namespace FhirTrial.Trial.Safety;

/// <summary>Whether the investigator judged the event caused by study drug.</summary>
public enum Causality
{
    Related,
    NotRelated,
    Unknown,
}

/// <summary>Severity as reported when no CTCAE grade is given.</summary>
public enum Severity
{
    Mild,
    Moderate,
    Severe,
}

/// <summary>One adverse event of one subject.</summary>
/// <param name="Grade">CTCAE grade 1..5, null when not graded.</param>
/// <param name="Severity">Used for the grade only when <paramref name="Grade"/> is null.</param>
public sealed record AdverseEventRecord(
    string SubjectId,
    string TermCode,
    string TermDisplay,
    int? Grade,
    Severity? Severity,
    bool Serious,
    Causality Causality)
{
    /// <summary>The grade used for counting: the CTCAE grade, else mild 1, moderate 2, severe 3.</summary>
    public int? EffectiveGrade => Grade ?? Severity switch
    {
        Safety.Severity.Mild => 1,
        Safety.Severity.Moderate => 2,
        Safety.Severity.Severe => 3,
        _ => null,
    };

    public bool GradeFromSeverity => Grade is null && Severity is not null;

    /// <summary>Earliest day the onset may be (a partial date's first day); null when the event carries no date.</summary>
    public DateOnly? Onset { get; init; }

    /// <summary>Latest day the onset may be (a partial date's last day); defaults to <see cref="Onset"/>.</summary>
    public DateOnly? OnsetLatest { get; init; }

    /// <summary>The event's reference (<c>AdverseEvent/id</c>), for listings.</summary>
    public string? EvidenceId { get; init; }

    private readonly IReadOnlyList<string>? _meddraCodes;
    private readonly IReadOnlyList<string>? _names;

    /// <summary>Every MedDRA (or CTCAE) code the event carries, to find its CTCAE term; defaults to <see cref="TermCode"/>.</summary>
    public IReadOnlyList<string> MeddraCodes { get => _meddraCodes ?? [TermCode]; init => _meddraCodes = value; }

    /// <summary>Every name the event carries (codings' displays, the text); defaults to <see cref="TermDisplay"/>.</summary>
    public IReadOnlyList<string> Names { get => _names ?? [TermDisplay]; init => _names = value; }
}

/// <summary>Reads causality and severity codes as the EHR sends them.</summary>
public static class AdverseEventCodes
{
    /// <summary>related, possibly, probably (and definite/certain) count as related; unlikely as not related.</summary>
    public static Causality ParseCausality(string? code) => code?.Trim().ToLowerInvariant() switch
    {
        "related" or "possibly" or "probably" or "possible" or "probable" or "possibly-related"
            or "probably-related" or "definite" or "definitely" or "certain" => Causality.Related,
        "not-related" or "not related" or "unrelated" or "unlikely" => Causality.NotRelated,
        _ => Causality.Unknown,
    };

    public static Severity? ParseSeverity(string? code) => code?.Trim().ToLowerInvariant() switch
    {
        "mild" => Severity.Mild,
        "moderate" => Severity.Moderate,
        "severe" => Severity.Severe,
        _ => null,
    };
}
