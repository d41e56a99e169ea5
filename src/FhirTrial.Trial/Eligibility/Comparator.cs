namespace FhirTrial.Trial.Eligibility;

/// <summary>How a measured value is compared with a criterion's limit.</summary>
public enum Comparator
{
    GreaterOrEqual,
    Greater,
    LessOrEqual,
    Less,
    Equal,
}

/// <summary>Reading, writing and applying comparators (FHIR Quantity.comparator symbols).</summary>
public static class Comparators
{
    public static Comparator Parse(string symbol) => symbol switch
    {
        ">=" or "ge" => Comparator.GreaterOrEqual,
        ">" or "gt" => Comparator.Greater,
        "<=" or "le" => Comparator.LessOrEqual,
        "<" or "lt" => Comparator.Less,
        "=" or "eq" => Comparator.Equal,
        _ => throw new ArgumentException($"Unknown comparator '{symbol}'.", nameof(symbol)),
    };

    public static string ToSymbol(this Comparator comparator) => comparator switch
    {
        Comparator.GreaterOrEqual => ">=",
        Comparator.Greater => ">",
        Comparator.LessOrEqual => "<=",
        Comparator.Less => "<",
        Comparator.Equal => "=",
        _ => throw new ArgumentOutOfRangeException(nameof(comparator)),
    };

    public static bool Holds(this Comparator comparator, decimal value, decimal limit) => comparator switch
    {
        Comparator.GreaterOrEqual => value >= limit,
        Comparator.Greater => value > limit,
        Comparator.LessOrEqual => value <= limit,
        Comparator.Less => value < limit,
        Comparator.Equal => value == limit,
        _ => throw new ArgumentOutOfRangeException(nameof(comparator)),
    };
}
