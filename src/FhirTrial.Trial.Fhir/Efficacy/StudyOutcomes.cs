using FhirTrial.Trial.Endpoints;
using FhirTrial.Trial.Fhir.Recist;
using FhirTrial.Trial.Recist;
using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Fhir.Efficacy;

/// <summary>One subject of the study with their facts, RECIST result (null when not treated) and endpoint outcome.</summary>
public sealed record StudySubject(SubjectFacts Facts, RecistResult? Recist, SubjectOutcome Outcome);

/// <summary>Gathers a study's subjects once and evaluates each under RECIST: the input of <c>$efficacy</c> and <c>$interim</c>.</summary>
public sealed class StudyOutcomes(SubjectFactsGatherer gatherer)
{
    /// <param name="cutoff">the data cut-off: the gatherer leaves out everything dated after it</param>
    public async Task<(IReadOnlyList<StudySubject> Subjects, StudySettings Settings)> EvaluateAsync(string studyId, DateOnly cutoff, CancellationToken ct)
    {
        var (facts, settings) = await gatherer.GatherStudyAsync(studyId, cutoff, ct);
        var subjects = facts
            .Select(f =>
            {
                var recist = f.EvaluateRecist(settings);
                return new StudySubject(f, recist, f.ToOutcome(recist));
            })
            .ToList();
        return (subjects, settings);
    }
}
