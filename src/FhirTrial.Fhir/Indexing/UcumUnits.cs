namespace FhirTrial.Fhir.Indexing;

/// <summary>Brings common UCUM units to one canonical unit per dimension so <c>5 cm</c> matches a search in mm.</summary>
public static class UcumUnits
{
    private const string Ucum = "http://unitsofmeasure.org";

    private static readonly Dictionary<string, (string Code, decimal Factor)> Units = new(StringComparer.Ordinal)
    {
        ["m"] = ("m", 1m), ["cm"] = ("m", 0.01m), ["mm"] = ("m", 0.001m), ["um"] = ("m", 0.000001m),
        ["kg"] = ("g", 1000m), ["g"] = ("g", 1m), ["mg"] = ("g", 0.001m), ["ug"] = ("g", 0.000001m), ["[lb_av]"] = ("g", 453.59237m),
        ["L"] = ("L", 1m), ["dL"] = ("L", 0.1m), ["mL"] = ("L", 0.001m),
        ["g/L"] = ("g/L", 1m), ["g/dL"] = ("g/L", 10m), ["mg/dL"] = ("g/L", 0.01m), ["mg/L"] = ("g/L", 0.001m),
        ["s"] = ("s", 1m), ["min"] = ("s", 60m), ["h"] = ("s", 3600m), ["d"] = ("s", 86400m), ["wk"] = ("s", 604800m),
        ["a"] = ("s", 31557600m), ["mo"] = ("s", 2629800m),
        ["mm[Hg]"] = ("mm[Hg]", 1m), ["10*9/L"] = ("10*9/L", 1m), ["10*3/uL"] = ("10*9/L", 1m),
        ["Cel"] = ("Cel", 1m), ["%"] = ("%", 1m), ["/min"] = ("/min", 1m),
    };

    public static (string Code, decimal Value)? Convert(string? system, string? code, decimal value)
    {
        if (system != Ucum || code is null || !Units.TryGetValue(code, out var unit)) return null;
        return (unit.Code, value * unit.Factor);
    }

    public static (string Code, decimal Factor)? Canonical(string? system, string? code)
        => system == Ucum && code is not null && Units.TryGetValue(code, out var unit) ? unit : null;
}
