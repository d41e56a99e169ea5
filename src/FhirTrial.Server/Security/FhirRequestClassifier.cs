using FhirTrial.Fhir.Security;

namespace FhirTrial.Server.Security;

/// <summary>Names the FHIR interaction an HTTP request under <c>/fhir</c> asks for, from its method and path alone.</summary>
public static class FhirRequestClassifier
{
    /// <summary>The interaction, or null when the path is not one the FHIR routes answer (the fallback's 404).</summary>
    public static FhirInteraction? Classify(string method, string path)
    {
        var s = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (s.Length == 0 || s[0] != "fhir") return null;
        s = s[1..];
        var write = method is "POST" or "PUT" or "PATCH" or "DELETE";
        switch (s.Length)
        {
            case 0:
                return method == "POST" ? new("transaction") : new("search-system");
            case 1:
                if (s[0] == "metadata") return new("capabilities");
                if (s[0] == "_history") return new("history-system");
                if (s[0].StartsWith('$')) return new("operation", Operation: s[0][1..]);
                if (s[0] == "_export") return new("operation", Operation: "export");
                return method switch
                {
                    "POST" => new("create", s[0]),
                    "PUT" => new("update", s[0]),
                    "PATCH" => new("patch", s[0]),
                    "DELETE" => new("delete", s[0]),
                    _ => new("search-type", s[0]),
                };
            case 2:
                if (s[0] == "_export") return new("operation", Operation: "export");
                if (s[1] == "_search") return new("search-type", s[0]);
                if (s[1] == "_history") return new("history-type", s[0]);
                if (s[1].StartsWith('$')) return new("operation", s[0], Operation: s[1][1..]);
                return method switch
                {
                    "PUT" or "POST" => new("update", s[0], s[1]),
                    "PATCH" => new("patch", s[0], s[1]),
                    "DELETE" => new("delete", s[0], s[1]),
                    _ => new("read", s[0], s[1]),
                };
            case 3:
                if (s[0] == "_export") return new("operation", Operation: "export");
                if (s[2] == "_history") return new("history-instance", s[0], s[1]);
                if (s[2].StartsWith('$')) return new("operation", s[0], s[1], s[2][1..]);
                return write ? new("update", s[0], s[1]) : null;
            case 4:
                if (s[2] == "_history") return new("vread", s[0], s[1]);
                return null;
            default:
                return null;
        }
    }
}
