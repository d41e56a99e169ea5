namespace FhirTrial.Trial.Endpoints;

/// <summary>Where the study stands against its Simon design (operation $interim), with the subjects still pending.</summary>
public sealed record SimonInterim(
    int Stage, int Stage1Evaluated, int Stage1Responders, int Responders, InterimDecision Decision, IReadOnlyList<string> Reasons,
    IReadOnlyList<InterimSubject> Pending)
{
    /// <summary>
    /// Stage 1 is the first n1 subjects, the study the first n (later ones are over-enrollment and do not count).
    /// Success is declared as soon as it is certain (r1 + 1 stage-1 responses; more than r in all); futility only
    /// when every subject of the stage has a final outcome (<see cref="InterimSubject.Assess"/>), because the design's
    /// error rates assume full stages and a pending subject may still respond.
    /// </summary>
    public static SimonInterim Decide(SimonDesign design, IReadOnlyList<InterimSubject> evaluableInEnrollmentOrder)
    {
        var study = evaluableInEnrollmentOrder.Take(design.N).ToList();
        var stage1 = study.Take(design.N1).ToList();
        var stage1Evaluated = stage1.Count(s => s.Status != InterimResponseStatus.Pending);
        var stage1Responders = stage1.Count(s => s.Status == InterimResponseStatus.Responder);
        var responders = study.Count(s => s.Status == InterimResponseStatus.Responder);
        var evaluated = study.Count(s => s.Status != InterimResponseStatus.Pending);

        SimonInterim Result(int stage, InterimDecision decision, string reason, IEnumerable<InterimSubject> considered) =>
            new(stage, stage1Evaluated, stage1Responders, responders, decision, [reason],
                considered.Where(s => s.Status == InterimResponseStatus.Pending).ToList());

        if (stage1Responders <= design.R1)
        {
            return stage1Evaluated == design.N1
                ? Result(1, InterimDecision.Stop, $"stage 1 complete with {stage1Responders} <= {design.R1} responses", stage1)
                : Result(1, InterimDecision.Pending,
                    $"stage 1: {stage1Evaluated} of {design.N1} final, {stage1Responders} responses", stage1);
        }

        if (responders > design.R)
            return Result(2, InterimDecision.Promising, $"{responders} > {design.R} responses", study);

        return evaluated == design.N
            ? Result(2, InterimDecision.NotPromising, $"all {design.N} evaluated with {responders} <= {design.R} responses", study)
            : Result(2, InterimDecision.Continue, $"stage 1 passed with {stage1Responders} responses; {evaluated} of {design.N} final", study);
    }
}
