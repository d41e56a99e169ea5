namespace FhirTrial.Trial.Recist;

/// <summary>The non-target response at one time point (CONTRACT section 4).</summary>
public sealed record NonTargetResponse(Response Response, IReadOnlyList<string> Reasons)
{
    /// <summary>PD if any unequivocal progression; NE if any not assessed; CR if all absent; else NON-CR/NON-PD; NA without any.</summary>
    /// <param name="statuses">each baseline non-target lesion with its status here (null = not assessed)</param>
    public static NonTargetResponse Evaluate(IReadOnlyList<(string LesionId, NonTargetStatus? Status)> statuses)
    {
        if (statuses.Count == 0)
            return new(Response.NA, ["no non-target lesions at baseline"]);

        var progressed = IdsWhere(statuses, s => s == NonTargetStatus.UnequivocalProgression);
        if (progressed.Count > 0)
            return new(Response.PD, [$"unequivocal progression of non-target {string.Join(", ", progressed)}"]);

        var missing = IdsWhere(statuses, s => s is null);
        if (missing.Count > 0)
            return new(Response.NE, [$"non-target not assessed: {string.Join(", ", missing)}"]);

        var present = IdsWhere(statuses, s => s == NonTargetStatus.Present);
        return present.Count == 0
            ? new(Response.CR, ["every non-target absent"])
            : new(Response.NonCrNonPd, [$"non-target still present: {string.Join(", ", present)}"]);
    }

    private static List<string> IdsWhere(IReadOnlyList<(string LesionId, NonTargetStatus? Status)> statuses, Func<NonTargetStatus?, bool> predicate) =>
        statuses.Where(s => predicate(s.Status)).Select(s => s.LesionId).ToList();
}
