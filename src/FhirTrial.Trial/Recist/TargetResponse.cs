using System.Globalization;

namespace FhirTrial.Trial.Recist;

/// <summary>
/// The target-lesion response at one time point (CONTRACT section 4, RECIST 1.1 section 4.3.1).
/// <see cref="Sum"/> is the sum of diameters when it means something: every target measured, or the measured ones
/// already proving progression; <see cref="IsCompleteSum"/> says whether it may become the new nadir.
/// </summary>
public sealed record TargetResponse(Response Response, decimal? Sum, bool IsCompleteSum, IReadOnlyList<string> Reasons)
{
    /// <summary>Relative increase over the nadir that is progression (20%).</summary>
    public const decimal ProgressionRatio = 1.2m;
    /// <summary>Absolute increase over the nadir that progression also needs.</summary>
    public const decimal ProgressionAbsoluteMm = 5m;
    /// <summary>At most this fraction of the baseline sum is a partial response (a 30% decrease).</summary>
    public const decimal PartialResponseRatio = 0.7m;
    /// <summary>A node whose short axis is below this is normal (counts toward CR).</summary>
    public const decimal NormalNodeMm = 10m;

    /// <summary>The rules in the contract's order: PD, NE, CR, PR, SD; NA without baseline targets.</summary>
    /// <param name="targets">every baseline target with its value here (null = not assessed)</param>
    /// <param name="baselineSum">sum of diameters at baseline</param>
    /// <param name="nadir">smallest complete sum before this time point, baseline included</param>
    public static TargetResponse Evaluate(IReadOnlyList<TargetLesionValue> targets, decimal baselineSum, decimal nadir)
    {
        if (targets.Count == 0)
            return new(Response.NA, null, false, ["no target lesions at baseline"]);

        var missing = targets.Where(t => t.Millimetres is null).Select(t => t.LesionId).ToList();
        var measuredSum = targets.Sum(t => t.Millimetres ?? 0m);
        var complete = missing.Count == 0;

        // Missing lesions can only add to the sum, so progression shown by the measured ones alone is certain.
        if (measuredSum >= ProgressionRatio * nadir && measuredSum - nadir >= ProgressionAbsoluteMm)
        {
            var scope = complete ? "sum" : $"sum of measured targets ({string.Join(", ", missing)} not assessed)";
            return new(Response.PD, measuredSum, complete,
                [$"{scope} {Mm(measuredSum)} >= 1.2 x nadir {Mm(nadir)} and +{Mm(measuredSum - nadir)} >= 5 mm"]);
        }

        if (!complete)
            return new(Response.NE, null, false, [$"target not assessed: {string.Join(", ", missing)}"]);

        var abnormal = targets
            .Where(t => t.IsLymphNode ? (t.LargestPartMillimetres ?? t.Millimetres) >= NormalNodeMm : t.Millimetres != 0m)
            .Select(t => t.LesionId)
            .ToList();
        if (abnormal.Count == 0)
            return new(Response.CR, measuredSum, true, ["every non-nodal target 0 mm and every nodal target < 10 mm"]);

        if (measuredSum <= PartialResponseRatio * baselineSum)
            return new(Response.PR, measuredSum, true, [$"sum {Mm(measuredSum)} <= 0.7 x baseline {Mm(baselineSum)}"]);

        return new(Response.SD, measuredSum, true,
            [$"sum {Mm(measuredSum)}: neither <= 0.7 x baseline {Mm(baselineSum)} nor progression over nadir {Mm(nadir)}"]);
    }

    private static string Mm(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture) + " mm";
}
