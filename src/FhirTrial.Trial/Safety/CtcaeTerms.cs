using System.Text;

namespace FhirTrial.Trial.Safety;

/// <summary>A CTCAE term, the MedDRA code CTCAE gives it and the system organ class CTCAE files it under.</summary>
public sealed record CtcaeTerm(string Code, string Term, string SocCode, string Soc);

/// <summary>
/// The CTCAE v5.0 terms (profiles/ConceptMap-ctcae-v5-soc.json) and how an adverse event finds its own: by a MedDRA code
/// of its event, else by a name of its event compared as people write it (case, punctuation and British spellings
/// ignored: "Diarrhoea" is "Diarrhea", "Oesophageal pain" is "Esophageal pain"). Synonyms are not guessed: "Pyrexia" is
/// not "Fever" (ADR 0008).
/// </summary>
public sealed class CtcaeTerms
{
    private readonly Dictionary<string, CtcaeTerm> _byCode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CtcaeTerm> _byName = new(StringComparer.Ordinal);

    public CtcaeTerms(IEnumerable<CtcaeTerm> terms)
    {
        foreach (var term in terms)
        {
            if (!_byCode.TryAdd(term.Code, term))
                throw new ArgumentException($"CTCAE code {term.Code} is listed twice.", nameof(terms));
            if (!_byName.TryAdd(NameKey(term.Term), term))
                throw new ArgumentException($"CTCAE term '{term.Term}' is listed twice.", nameof(terms));
        }
    }

    /// <summary>No terms known: every event is unmapped.</summary>
    public static CtcaeTerms Empty { get; } = new([]);

    public int Count => _byCode.Count;

    /// <summary>The event's CTCAE term, or null when neither its codes nor its names are CTCAE's.</summary>
    public CtcaeTerm? Find(AdverseEventRecord adverseEvent)
    {
        foreach (var code in adverseEvent.MeddraCodes)
            if (_byCode.TryGetValue(code.Trim(), out var byCode)) return byCode;
        foreach (var name in adverseEvent.Names)
            if (_byName.TryGetValue(NameKey(name), out var byName)) return byName;
        return null;
    }

    /// <summary>A term name as compared: lower case, letters and digits only, British spellings folded to CTCAE's US ones.</summary>
    public static string NameKey(string name)
    {
        var words = new StringBuilder();
        foreach (var c in name.Trim().ToLowerInvariant())
            words.Append(char.IsLetterOrDigit(c) ? c : ' ');
        var key = string.Join(' ', words.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w switch { "tumour" => "tumor", "colour" => "color", "odour" => "odor", _ => w }));
        // oedema, haemorrhage, diarrhoea, anaemia, dysaesthesia: CTCAE writes e. No two CTCAE terms fold together.
        return key.Replace("ae", "e", StringComparison.Ordinal).Replace("oe", "e", StringComparison.Ordinal);
    }
}
