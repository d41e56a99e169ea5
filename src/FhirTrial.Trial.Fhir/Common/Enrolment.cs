namespace FhirTrial.Trial.Fhir.Common;

/// <summary>Whether a ResearchSubject joined its study: the one rule every trial operation uses.</summary>
public static class Enrolment
{
    /// <summary>
    /// Candidates, screen failures (<c>ineligible</c>) and subjects never registered did not join the study (R4
    /// ResearchSubject.status), so they received no study drug in it: they are in no safety or efficacy population
    /// (ICH E9: each treated subject is counted once; a re-screened patient's screen-failure record is not a subject).
    /// </summary>
    public static bool IsEnrolled(string? status) => status is not ("candidate" or "ineligible" or "not-registered");
}
