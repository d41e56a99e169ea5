namespace FhirTrial.Fhir.Engine;

/// <summary>Splits a query string into decoded name/value pairs, keeping repeats and order.</summary>
public static class QueryString
{
    public static List<KeyValuePair<string, string>> Parse(string query)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var name = Uri.UnescapeDataString((eq < 0 ? part : part[..eq]).Replace('+', ' '));
            var value = eq < 0 ? "" : Uri.UnescapeDataString(part[(eq + 1)..].Replace('+', ' '));
            pairs.Add(new(name, value));
        }
        return pairs;
    }
}
