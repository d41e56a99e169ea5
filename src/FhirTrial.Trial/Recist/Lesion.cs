namespace FhirTrial.Trial.Recist;

/// <summary>The role a lesion was given: measured target, followed non-target, or new since baseline.</summary>
public enum LesionRole
{
    Target,
    NonTarget,
    New,
}

/// <summary>A lesion followed under RECIST 1.1; lymph nodes are measured by short axis.</summary>
public sealed record Lesion(string Id, LesionRole Role, bool IsLymphNode)
{
    /// <summary>The organ it lies in (its location code), for the two-per-organ rule; null when not recorded.</summary>
    public string? Organ { get; init; }

    /// <summary>For a fragment of a target lesion that split on treatment: the lesion it split from (ADR 0008).</summary>
    public string? SplitFrom { get; init; }

    /// <summary>For a target lesion that coalesced with another on treatment: the lesion now measured for both (ADR 0008).</summary>
    public string? CoalescedInto { get; init; }

    /// <summary>The investigator's label (T1, NT1, N1...) when recorded: SDTM TU/TR <c>--LNKID</c>.</summary>
    public string? Label { get; init; }

    /// <summary>The organ as the record names it (the location's display or text), for listings.</summary>
    public string? OrganName { get; init; }
}
