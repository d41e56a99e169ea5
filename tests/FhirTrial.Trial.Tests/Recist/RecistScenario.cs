using FhirTrial.Trial.Recist;
using FhirTrial.Trial.Settings;

namespace FhirTrial.Trial.Tests.Recist;

/// <summary>Builds a subject's RECIST data in study days (day 0 = first dose) so tests read like a case report.</summary>
internal sealed class RecistScenario
{
    public static readonly DateOnly FirstDose = new(2024, 3, 1);

    private readonly List<Lesion> lesions = [];
    private readonly List<TargetMeasurement> measurements = [];
    private readonly List<NonTargetAssessment> nonTargets = [];
    private readonly List<NewLesionFinding> newLesions = [];

    public static DateOnly Day(int day) => FirstDose.AddDays(day);

    public static int StudyDay(DateOnly date) => date.DayNumber - FirstDose.DayNumber;

    public RecistScenario Target(string id, bool node = false)
    {
        lesions.Add(new Lesion(id, LesionRole.Target, node));
        return this;
    }

    /// <summary>A fragment of a target that split on treatment (recorded with its parent's id).</summary>
    public RecistScenario Fragment(string id, string splitFrom, bool node = false)
    {
        lesions.Add(new Lesion(id, LesionRole.Target, node) { SplitFrom = splitFrom });
        return this;
    }

    /// <summary>Marks a target as coalesced into another, which is measured for both from then on.</summary>
    public RecistScenario Coalesced(string id, string into)
    {
        var index = lesions.FindIndex(l => l.Id == id);
        lesions[index] = lesions[index] with { CoalescedInto = into };
        return this;
    }

    /// <summary>One lesion's size on a day; null = not assessed.</summary>
    public RecistScenario Size(int day, string lesionId, decimal? millimetres)
    {
        measurements.Add(new TargetMeasurement(lesionId, Day(day), millimetres, $"size-{lesionId}-d{day}"));
        return this;
    }

    public RecistScenario NonTarget(string id)
    {
        lesions.Add(new Lesion(id, LesionRole.NonTarget, false));
        return this;
    }

    /// <summary>Sizes of the target lesions in the order they were declared; null = not assessed.</summary>
    public RecistScenario Scan(int day, params decimal?[] millimetres) => ScanIn(null, day, millimetres);

    public RecistScenario ScanIn(string? encounter, int day, params decimal?[] millimetres)
    {
        var targets = lesions.Where(l => l.Role == LesionRole.Target).ToList();
        for (var i = 0; i < millimetres.Length; i++)
            measurements.Add(new TargetMeasurement(targets[i].Id, Day(day), millimetres[i], $"size-{targets[i].Id}-d{day}", encounter));
        return this;
    }

    public RecistScenario Status(int day, string lesionId, NonTargetStatus? status, string? encounter = null)
    {
        nonTargets.Add(new NonTargetAssessment(lesionId, Day(day), status, $"status-{lesionId}-d{day}", encounter));
        return this;
    }

    public RecistScenario NewLesion(int day, string lesionId, NewLesionCertainty certainty)
    {
        if (lesions.All(l => l.Id != lesionId))
            lesions.Add(new Lesion(lesionId, LesionRole.New, false));
        newLesions.Add(new NewLesionFinding(lesionId, Day(day), certainty, $"new-{lesionId}-d{day}"));
        return this;
    }

    public RecistInput Input(DateOnly? death = null) =>
        new(lesions.ToList(), measurements.ToList(), nonTargets.ToList(), newLesions.ToList(), FirstDose, death);

    public RecistResult Evaluate(StudySettings? settings = null) =>
        RecistEvaluator.Evaluate(Input(), settings ?? StudySettings.Default);
}
