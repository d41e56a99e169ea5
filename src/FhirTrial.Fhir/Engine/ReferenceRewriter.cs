using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Engine;

/// <summary>Visits every reference-like element of a resource so a transaction can point <c>urn:uuid:</c> and conditional references at real ids.</summary>
public static class ReferenceRewriter
{
    public static IEnumerable<ResourceReference> References(Base root)
    {
        foreach (var element in Descendants(root))
            if (element is ResourceReference r) yield return r;
    }

    /// <summary>The references and the URI-typed elements (which may name a fullUrl too), found in one walk of the tree.</summary>
    public static (List<ResourceReference> References, List<PrimitiveType> Uris) Links(Base root)
    {
        var references = new List<ResourceReference>();
        var uris = new List<PrimitiveType>();
        foreach (var element in Descendants(root))
        {
            if (element is ResourceReference r) references.Add(r);
            else if (element is FhirUri or Canonical or FhirUrl) uris.Add((PrimitiveType)element);
        }
        return (references, uris);
    }

    private static IEnumerable<Base> Descendants(Base root)
    {
        var stack = new Stack<Base>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            yield return node;
            foreach (var (name, value) in node.EnumerateElements())
            {
                if (name == "id") continue; // element and resource ids are never references
                if (value is Base child) stack.Push(child);
                else if (value is System.Collections.IEnumerable list)
                    foreach (var item in list) if (item is Base b) stack.Push(b);
            }
        }
    }
}
