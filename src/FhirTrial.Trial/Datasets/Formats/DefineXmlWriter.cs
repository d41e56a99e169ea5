using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace FhirTrial.Trial.Datasets.Formats;

/// <summary>
/// define.xml 2.1 (CDISC Define-XML over ODM 1.3.2) for the datasets of one package: the standards, one ItemGroupDef per
/// dataset (class, structure, keys, the file it is in), one ItemDef per variable (type, length, label, codelist) and
/// the codelists the variables use.
/// </summary>
public static class DefineXmlWriter
{
    public static readonly XNamespace Odm = "http://www.cdisc.org/ns/odm/v1.3";
    public static readonly XNamespace Def = "http://www.cdisc.org/ns/def/v2.1";
    public static readonly XNamespace XLink = "http://www.w3.org/1999/xlink";
    private static readonly XNamespace Xml = XNamespace.Xml;

    private const string SdtmStandard = "STD.SDTMIG";
    private const string AdamStandard = "STD.ADAMIG";

    public static string DataType(VariableType type) => type switch
    {
        VariableType.Text => "text",
        VariableType.Integer or VariableType.NumericDate => "integer",
        VariableType.Float => "float",
        _ => "date",
    };

    public static byte[] Write(IReadOnlyList<Dataset> datasets, DatasetSource source, string? studyTitle, DatasetFormat format)
    {
        var used = datasets.SelectMany(d => d.Variables).Select(v => v.Codelist).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var metadata = new XElement(Odm + "MetaDataVersion",
            new XAttribute("OID", source.MetaDataVersionOid),
            new XAttribute("Name", $"{source.StudyId} analysis datasets"),
            new XAttribute(Def + "DefineVersion", "2.1.7"),
            new XElement(Def + "Standards",
                Standard(SdtmStandard, "SDTMIG", "3.4"),
                Standard(AdamStandard, "ADaMIG", "1.3")));

        foreach (var dataset in datasets)
            metadata.Add(ItemGroup(dataset, format));
        foreach (var dataset in datasets)
        {
            var lengths = DatasetLengths.Of(dataset);
            for (var i = 0; i < dataset.Variables.Count; i++)
                metadata.Add(Item(dataset.Name, dataset.Variables[i], lengths[i]));
        }
        foreach (var codelist in DatasetCodelists.All.Where(c => used.Contains(c.Id)))
            metadata.Add(CodeList(codelist));

        var document = new XDocument(new XDeclaration("1.0", "UTF-8", null),
            new XElement(Odm + "ODM",
                new XAttribute(XNamespace.Xmlns + "def", Def),
                new XAttribute(XNamespace.Xmlns + "xlink", XLink),
                new XAttribute("FileType", "Snapshot"),
                new XAttribute("FileOID", $"{source.SystemName}.{source.StudyId}.define"),
                new XAttribute("ODMVersion", "1.3.2"),
                new XAttribute("CreationDateTime", source.Timestamp),
                new XAttribute("Originator", source.SystemName),
                new XAttribute("SourceSystem", source.SystemName),
                new XAttribute("SourceSystemVersion", source.SystemVersion),
                new XAttribute(Def + "Context", "Other"),
                new XElement(Odm + "Study", new XAttribute("OID", source.StudyId),
                    new XElement(Odm + "GlobalVariables",
                        new XElement(Odm + "StudyName", source.StudyId),
                        new XElement(Odm + "StudyDescription", studyTitle ?? source.StudyId),
                        new XElement(Odm + "ProtocolName", source.StudyId)),
                    metadata)));

        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
            document.Save(writer);
        return stream.ToArray();
    }

    private static string Leaf(string dataset) => $"LF.{dataset}";

    private static XElement Standard(string oid, string name, string version) =>
        new(Def + "Standard", new XAttribute("OID", oid), new XAttribute("Name", name), new XAttribute("Type", "IG"),
            new XAttribute("Version", version), new XAttribute("Status", "Final"));

    private static XElement Description(string text) =>
        new(Odm + "Description", new XElement(Odm + "TranslatedText", new XAttribute(Xml + "lang", "en"), text));

    private static XElement ItemGroup(Dataset dataset, DatasetFormat format)
    {
        var d = dataset.Definition;
        var group = new XElement(Odm + "ItemGroupDef",
            new XAttribute("OID", DatasetSource.ItemGroupOid(d.Name)),
            new XAttribute("Name", d.Name),
            new XAttribute("SASDatasetName", d.Name),
            new XAttribute("Repeating", d.Structure == "One record per subject" ? "No" : "Yes"),
            new XAttribute("IsReferenceData", "No"),
            new XAttribute("Purpose", d.Standard == DatasetStandard.Sdtm ? "Tabulation" : "Analysis"),
            new XAttribute(Def + "Structure", d.Structure),
            new XAttribute(Def + "StandardOID", d.Standard == DatasetStandard.Sdtm ? SdtmStandard : AdamStandard),
            new XAttribute(Def + "ArchiveLocationID", Leaf(d.Name)),
            Description(d.Label));
        for (var i = 0; i < d.Variables.Count; i++)
        {
            var v = d.Variables[i];
            var itemRef = new XElement(Odm + "ItemRef",
                new XAttribute("ItemOID", DatasetSource.ItemOid(d.Name, v.Name)),
                new XAttribute("OrderNumber", i + 1),
                new XAttribute("Mandatory", d.Keys.Contains(v.Name) || IsIdentifier(d, v.Name) ? "Yes" : "No"));
            var key = d.Keys.ToList().IndexOf(v.Name);
            if (key >= 0) itemRef.Add(new XAttribute("KeySequence", key + 1));
            group.Add(itemRef);
        }
        group.Add(new XElement(Def + "Class", new XAttribute("Name", d.Class)));
        var file = format.FileName(d.Name);
        group.Add(new XElement(Def + "leaf", new XAttribute("ID", Leaf(d.Name)), new XAttribute(XLink + "href", file), new XElement(Def + "title", file)));
        return group;
    }

    /// <summary>The identifiers every record has: STUDYID, DOMAIN, USUBJID, SUBJID and the sequence number.</summary>
    private static bool IsIdentifier(DatasetDefinition dataset, string variable) =>
        variable is "STUDYID" or "DOMAIN" or "USUBJID" or "SUBJID" || variable == dataset.Name + "SEQ";

    private static XElement Item(string dataset, DatasetVariable variable, int length)
    {
        var item = new XElement(Odm + "ItemDef",
            new XAttribute("OID", DatasetSource.ItemOid(dataset, variable.Name)),
            new XAttribute("Name", variable.Name),
            new XAttribute("SASFieldName", variable.Name),
            new XAttribute("DataType", DataType(variable.Type)));
        if (variable.Type is not VariableType.IsoDate) item.Add(new XAttribute("Length", length));
        if (variable.Type == VariableType.NumericDate) item.Add(new XAttribute(Def + "DisplayFormat", "DATE9."));
        item.Add(Description(variable.Label));
        if (variable.Codelist is { } codelist) item.Add(new XElement(Odm + "CodeListRef", new XAttribute("CodeListOID", "CL." + codelist)));
        return item;
    }

    private static XElement CodeList(Codelist codelist)
    {
        var element = new XElement(Odm + "CodeList",
            new XAttribute("OID", "CL." + codelist.Id),
            new XAttribute("Name", codelist.Name),
            new XAttribute("DataType", DataType(codelist.Type)));
        // ODM allows either decoded items or enumerated ones in a codelist, not both.
        var decoded = codelist.Items.Any(i => i.Decode is not null);
        var order = 0;
        foreach (var (code, decode) in codelist.Items)
        {
            order++;
            element.Add(decoded
                ? new XElement(Odm + "CodeListItem", new XAttribute("CodedValue", code), new XAttribute("OrderNumber", order),
                    new XElement(Odm + "Decode", new XElement(Odm + "TranslatedText", new XAttribute(Xml + "lang", "en"), decode ?? code)))
                : new XElement(Odm + "EnumeratedItem", new XAttribute("CodedValue", code), new XAttribute("OrderNumber", order)));
        }
        return element;
    }
}
