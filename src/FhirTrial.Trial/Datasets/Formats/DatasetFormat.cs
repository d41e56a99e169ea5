using System.Globalization;

namespace FhirTrial.Trial.Datasets.Formats;

/// <summary>The file formats a dataset is written in.</summary>
public enum DatasetFormat
{
    /// <summary>CSV, UTF-8, variable names as the header.</summary>
    Csv,
    /// <summary>CDISC Dataset-JSON 1.1.</summary>
    DatasetJson,
    /// <summary>SAS XPORT version 5 (SAS TS-140), as regulators receive it.</summary>
    Xpt,
}

/// <summary>Format names as the operation and the CLI take them, and how values are written as text.</summary>
public static class DatasetFormats
{
    public static string Code(this DatasetFormat format) => format switch
    {
        DatasetFormat.Csv => "csv",
        DatasetFormat.DatasetJson => "dataset-json",
        _ => "xpt",
    };

    public static string Extension(this DatasetFormat format) => format switch
    {
        DatasetFormat.Csv => "csv",
        DatasetFormat.DatasetJson => "json",
        _ => "xpt",
    };

    public static bool TryParse(string? code, out DatasetFormat format)
    {
        foreach (var candidate in Enum.GetValues<DatasetFormat>())
        {
            if (string.Equals(candidate.Code(), code, StringComparison.OrdinalIgnoreCase))
            {
                format = candidate;
                return true;
            }
        }
        format = default;
        return false;
    }

    public static string FileName(this DatasetFormat format, string dataset) => $"{dataset.ToLowerInvariant()}.{format.Extension()}";

    /// <summary>A value as text: ISO 8601 dates, invariant numbers without trailing zeros; null for a missing value.</summary>
    public static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        decimal m => (m / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture),
        double x => x.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    /// <summary>A numeric value as a double (dates as SAS days since 1960-01-01); null for a missing value.</summary>
    public static double? Number(object? value) => value switch
    {
        null => null,
        int i => i,
        decimal m => (double)m,
        double x => x,
        DateOnly d => d.DayNumber - SasEpoch.DayNumber,
        _ => throw new ArgumentException($"{value.GetType().Name} is not numeric.", nameof(value)),
    };

    /// <summary>Day 0 of SAS dates.</summary>
    public static readonly DateOnly SasEpoch = new(1960, 1, 1);
}
