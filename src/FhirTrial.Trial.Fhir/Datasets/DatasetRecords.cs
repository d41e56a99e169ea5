using System.Globalization;
using FhirTrial.Trial.Datasets;
using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Fhir.QualityOfLife;
using FhirTrial.Trial.Safety;
using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Datasets;

/// <summary>FHIR -> dataset records for what only the datasets list: doses, questionnaire answers, and the system organ class of a term.</summary>
public static class DatasetRecords
{
    /// <summary>
    /// A study-drug administration given (<see cref="StudyDrugs.WasGiven(MedicationAdministration)"/>, the exposure rule
    /// of <c>$safety</c>) with its day, dose in mg and route; null for anything else.
    /// </summary>
    public static Administration? Administration(MedicationAdministration administration)
    {
        if (!StudyDrugs.WasGiven(administration)) return null;
        if (StudyDrugs.Recognise(administration.Medication) is not { } drug || FhirDates.ToDateOnly(administration.Effective) is not { } date)
            return null;
        var (name, route) = drug switch
        {
            StudyDrug.Lenvatinib => ("LENVATINIB", "ORAL"),
            _ => ("CADONILIMAB", "INTRAVENOUS"),
        };
        return new Administration(name, date, StudyDrugs.DoseMg(administration.Dosage?.Dose), route);
    }

    /// <summary>
    /// The answered items of an EORTC response, read by the same reader <c>$score</c> uses; none when it is not an EORTC
    /// questionnaire this server knows, or cannot be read (the datasets list what is readable, <c>$score</c> says why not).
    /// </summary>
    public static IEnumerable<QuestionnaireAnswer> Answers(QuestionnaireResponse response)
    {
        if (FhirDates.ToDateOnly(response.AuthoredElement?.Value) is not { } date) return [];
        QuestionnaireAnswers answers;
        try
        {
            answers = QuestionnaireResponseMapper.Map(response);
        }
        catch (FhirTrial.Fhir.Errors.FhirException)
        {
            return [];
        }
        var (category, prefix) = answers.Definition.Key switch
        {
            "eortc-qlq-hn35" => ("EORTC QLQ-H&N35", "HN35Q"),
            _ => ("EORTC QLQ-C30", "C30Q"),
        };
        return answers.Answers.OrderBy(a => a.Key).Select(a => new QuestionnaireAnswer(
            category, prefix + a.Key.ToString("D2", CultureInfo.InvariantCulture), $"{category} item {a.Key}", a.Value, date));
    }

    /// <summary>
    /// The one place the datasets look up an adverse event term's system organ class (AEBODSYS): the CTCAE v5.0
    /// term-to-SOC map that <c>$safety</c> groups by (ADR 0008); null when CTCAE does not list the term.
    /// </summary>
    public static string? BodySystem(AdverseEventRecord adverseEvent, CtcaeTerms ctcae) => ctcae.Find(adverseEvent)?.Soc;
}
