using FhirTrial.Trial.Safety;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Safety;

/// <summary>Writes a <see cref="SafetySummary"/> as the <c>$safety</c> Parameters of CONTRACT.md section 5 (domain -> FHIR).</summary>
public static class SafetyParametersMapper
{
    /// <param name="terms">The coding of each term code as the events carried it (for <c>code</c>'s system).</param>
    public static Parameters ToParameters(SafetySummary summary, IReadOnlyDictionary<string, Coding> terms)
    {
        var parameters = new Parameters();
        parameters.Add("subjects", new Integer(summary.Subjects));
        parameters.Add("anyAe", new Integer(summary.AnyAe));
        parameters.Add("anyTrae", new Integer(summary.AnyTrae));
        parameters.Add("grade3Trae", new Integer(summary.Grade3Trae));
        parameters.Add("seriousAe", new Integer(summary.SeriousAe));
        parameters.Add("grade5Ae", new Integer(summary.Grade5Ae));
        foreach (var term in summary.Terms)
        {
            var known = terms.GetValueOrDefault(term.Code);
            var parts = new List<Tuple<string, Base>>
            {
                Tuple.Create<string, Base>("code", new Coding(known?.System, term.Code, term.Display)),
                Tuple.Create<string, Base>("display", new FhirString(term.Display)),
                Tuple.Create<string, Base>("subjects", new Integer(term.Subjects)),
                Tuple.Create<string, Base>("grade3Subjects", new Integer(term.Grade3Subjects)),
            };
            if (term.MaxGrade is { } max)
                parts.Add(Tuple.Create<string, Base>("maxGrade", new Integer(max)));
            parameters.Add("term", parts);
        }
        if (summary.EventsGradedFromSeverity > 0)
            parameters.Add("note", new FhirString(
                $"{summary.EventsGradedFromSeverity} adverse event(s) had no CTCAE grade; their grade was mapped from severity " +
                "(mild 1, moderate 2, severe 3)."));
        return parameters;
    }
}
