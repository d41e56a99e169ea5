namespace FhirTrial.Trial.Recist;

/// <summary>The overall response at one time point from its components (RECIST 1.1 table 1, CONTRACT section 4).</summary>
public sealed record OverallResponse(Response Response, string Reason)
{
    /// <param name="newLesion">the surest new-lesion finding at the time point, null when none</param>
    public static OverallResponse Evaluate(Response target, Response nonTarget, NewLesionCertainty? newLesion)
    {
        if (target == Response.PD)
            return new(Response.PD, "target PD");
        if (nonTarget == Response.PD)
            return new(Response.PD, "non-target PD");
        if (newLesion == NewLesionCertainty.Unequivocal)
            return new(Response.PD, "unequivocal new lesion");

        // From here an equivocal new lesion changes nothing: it is only progression once confirmed.
        return (target, nonTarget) switch
        {
            (Response.CR, Response.CR or Response.NA) => new(Response.CR, "target CR, non-target " + nonTarget.ToCode()),
            (Response.CR, _) => new(Response.PR, "target CR but non-target " + nonTarget.ToCode()),
            (Response.PR, _) => new(Response.PR, "target PR"),
            (Response.SD, _) => new(Response.SD, "target SD"),
            (Response.NE, _) => new(Response.NE, "target NE"),
            (Response.NA, Response.CR) => new(Response.CR, "no targets, non-target CR"),
            (Response.NA, Response.NonCrNonPd) => new(Response.NonCrNonPd, "no targets, non-target NON-CR/NON-PD"),
            (Response.NA, Response.NE) => new(Response.NE, "no targets, non-target NE"),
            (Response.NA, Response.NA) => new(Response.NA, "no disease at baseline"),
            _ => throw new ArgumentOutOfRangeException(nameof(target), $"{target}/{nonTarget} is not a component response"),
        };
    }
}
