using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Fhir.Recist;
using FhirTrial.Trial.Safety;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Safety;

/// <summary>Writes a <see cref="SafetySummary"/> as the <c>$safety</c> Parameters of CONTRACT.md section 5 (domain -> FHIR).</summary>
public static class SafetyParametersMapper
{
    /// <param name="terms">The coding of each term code as the events carried it (for <c>code</c>'s system).</param>
    public static Parameters ToParameters(SafetyAnalysis analysis, IReadOnlyDictionary<string, Coding> terms)
    {
        var summary = analysis.Summary;
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
            // Grade bands as safety tables report them: all events and treatment-related ones, subjects at their worst grade.
            parts.Add(Tuple.Create<string, Base>("grade1to2Subjects", new Integer(term.All.Grade1To2)));
            parts.Add(Tuple.Create<string, Base>("grade3to4Subjects", new Integer(term.All.Grade3To4)));
            parts.Add(Tuple.Create<string, Base>("grade5Subjects", new Integer(term.All.Grade5)));
            parts.Add(Tuple.Create<string, Base>("relatedSubjects", new Integer(term.Related.Any)));
            parts.Add(Tuple.Create<string, Base>("relatedGrade1to2Subjects", new Integer(term.Related.Grade1To2)));
            parts.Add(Tuple.Create<string, Base>("relatedGrade3to4Subjects", new Integer(term.Related.Grade3To4)));
            parts.Add(Tuple.Create<string, Base>("relatedGrade5Subjects", new Integer(term.Related.Grade5)));
            // The term's system organ class from the CTCAE v5.0 map (ADR 0008); text "Unmapped" when CTCAE does not list it.
            parts.Add(Tuple.Create<string, Base>("soc", term.Ctcae is { } ctcaeTerm
                ? new Coding(TrialCodes.Meddra, ctcaeTerm.SocCode, ctcaeTerm.Soc)
                : new Coding { Display = SocTable.Unmapped }));
            parameters.Add("term", parts);
        }
        foreach (var soc in summary.SystemOrganClasses)
        {
            var socPart = RowParts(parameters.Part("soc"), soc.Soc, meddraCoded: true);
            foreach (var term in soc.Terms)
                RowParts(socPart.Part("term"), term, meddraCoded: soc.Soc.Code is not null, terms.GetValueOrDefault(term.Code ?? ""));
        }
        if (summary.EventsGradedFromSeverity > 0)
            parameters.Add("note", new FhirString(
                $"{summary.EventsGradedFromSeverity} adverse event(s) had no CTCAE grade; their grade was mapped from severity " +
                "(mild 1, moderate 2, severe 3)."));

        // Issue 15: an event without causality still counts as related, and the answer says how many did.
        parameters.Add("unknownCausalityRelated", new Integer(summary.UnknownCausalityCountedRelated));
        if (summary.UnknownCausalityCountedRelated > 0)
            parameters.Add("note", new FhirString(
                $"{summary.UnknownCausalityCountedRelated} treatment-emergent adverse event(s) had no causality assessment and were counted as related."));
        if (analysis.UndatedEvents > 0)
            parameters.Add("note", new FhirString(
                $"{analysis.UndatedEvents} adverse event(s) had no onset date and were counted as treatment-emergent."));
        parameters.Add("afterTreatmentWindow", new Integer(analysis.AfterTreatmentWindow.Count));
        foreach (var ae in analysis.PreTreatment)
        {
            var known = terms.GetValueOrDefault(ae.TermCode);
            var part = parameters.Part("preTreatmentEvent")
                .Part("subject", new ResourceReference(ae.SubjectId))
                .Part("code", new Coding(known?.System, ae.TermCode, ae.TermDisplay))
                .Part("display", new FhirString(ae.TermDisplay));
            if (ae.Onset is { } onset) part.Part("date", new Date(FhirJson.Format(onset)));
            if (ae.EffectiveGrade is { } grade) part.Part("grade", new Integer(grade));
            if (ae.EvidenceId is { } evidence) part.Part("evidence", new ResourceReference(evidence));
        }

        return parameters;
    }

    /// <summary>
    /// A row of the table by system organ class and term: its code (MedDRA, or the event's own coding when unmapped), name,
    /// subjects at their worst grade in the bands 1-2, 3-4 and 5, for all and for related events, and the events without
    /// causality counted related.
    /// </summary>
    private static Parameters.ParameterComponent RowParts(
        Parameters.ParameterComponent part, SafetyTableRow row, bool meddraCoded, Coding? asCarried = null)
    {
        if (row.Code is { } code)
            part.Part("code", new Coding(meddraCoded ? TrialCodes.Meddra : asCarried?.System, code, row.Display));
        part.Part("display", new FhirString(row.Display))
            .Part("subjects", new Integer(row.All.Any))
            .Part("grade1to2Subjects", new Integer(row.All.Grade1To2))
            .Part("grade3to4Subjects", new Integer(row.All.Grade3To4))
            .Part("grade5Subjects", new Integer(row.All.Grade5))
            .Part("relatedSubjects", new Integer(row.Related.Any))
            .Part("relatedGrade1to2Subjects", new Integer(row.Related.Grade1To2))
            .Part("relatedGrade3to4Subjects", new Integer(row.Related.Grade3To4))
            .Part("relatedGrade5Subjects", new Integer(row.Related.Grade5))
            .Part("unknownCausalityRelated", new Integer(row.UnknownCausalityCountedRelated));
        return part;
    }
}
