namespace FhirTrial.Trial.Datasets;

/// <summary>How a variable's values are held and written.</summary>
public enum VariableType
{
    /// <summary>Character.</summary>
    Text,
    /// <summary>A whole number.</summary>
    Integer,
    /// <summary>A number with decimals.</summary>
    Float,
    /// <summary>An ISO 8601 date held as characters (SDTM <c>--DTC</c>).</summary>
    IsoDate,
    /// <summary>A date held as a number of days (ADaM <c>*DT</c>): SAS days since 1960-01-01 in XPORT, ISO 8601 in CSV and JSON.</summary>
    NumericDate,
}

/// <summary>One variable of a dataset: its name (8 characters at most, as XPORT v5 needs), label (40) and type, and its codelist when its values come from one.</summary>
public sealed record DatasetVariable(string Name, string Label, VariableType Type, string? Codelist = null)
{
    public const int MaxNameLength = 8;
    public const int MaxLabelLength = 40;

    public bool IsNumeric => Type is VariableType.Integer or VariableType.Float or VariableType.NumericDate;
}

/// <summary>The standard a dataset follows.</summary>
public enum DatasetStandard
{
    Sdtm,
    Adam,
}

/// <summary>
/// A dataset's shape: name (lower case in file names), label, standard, class, structure, its variables in order and the
/// ones that key a record.
/// </summary>
public sealed record DatasetDefinition(
    string Name,
    string Label,
    DatasetStandard Standard,
    string Class,
    string Structure,
    IReadOnlyList<DatasetVariable> Variables,
    IReadOnlyList<string> Keys)
{
    public int IndexOf(string variable)
    {
        for (var i = 0; i < Variables.Count; i++)
            if (Variables[i].Name == variable) return i;
        throw new ArgumentException($"{Name} has no variable {variable}.", nameof(variable));
    }
}

/// <summary>
/// A dataset with its rows. A value is a string (Text), an int or decimal (Integer, Float), a <see cref="DateOnly"/>
/// (IsoDate, NumericDate), or null when missing.
/// </summary>
public sealed record Dataset(DatasetDefinition Definition, IReadOnlyList<IReadOnlyList<object?>> Rows)
{
    public string Name => Definition.Name;

    public IReadOnlyList<DatasetVariable> Variables => Definition.Variables;

    /// <summary>The values of one variable, row by row.</summary>
    public IEnumerable<object?> Column(string variable)
    {
        var index = Definition.IndexOf(variable);
        return Rows.Select(r => r[index]);
    }
}

/// <summary>Builds the rows of one dataset by variable name, so a builder reads as the variables it fills.</summary>
public sealed class DatasetRows(DatasetDefinition definition)
{
    private readonly List<IReadOnlyList<object?>> _rows = [];

    /// <summary>Adds a row; variables not named are missing. A name the dataset does not define is a programming error.</summary>
    public void Add(params (string Variable, object? Value)[] values)
    {
        var row = new object?[definition.Variables.Count];
        foreach (var (variable, value) in values)
            row[definition.IndexOf(variable)] = value switch
            {
                string s when s.Length == 0 => null,
                _ => value,
            };
        _rows.Add(row);
    }

    public Dataset ToDataset() => new(definition, _rows);
}
