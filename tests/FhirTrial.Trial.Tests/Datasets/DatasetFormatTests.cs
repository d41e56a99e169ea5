using System.Text;
using System.Xml.Linq;
using FhirTrial.Tests.Shared;
using FhirTrial.Trial.Datasets;
using FhirTrial.Trial.Datasets.Formats;

namespace FhirTrial.Trial.Tests.Datasets;

/// <summary>The three dataset formats and define.xml read back by readers written apart from the writers.</summary>
public sealed class DatasetFormatTests
{
    private static readonly DatasetSource Source = new("STUDY-1", new DateTimeOffset(2026, 12, 7, 4, 30, 0, TimeSpan.Zero));

    private static readonly DatasetDefinition Definition = new("ADXX", "Format probe", DatasetStandard.Adam, "BASIC DATA STRUCTURE",
        "One record per subject per parameter",
        [
            new("USUBJID", "Unique Subject Identifier", VariableType.Text),
            new("AVAL", "Analysis Value", VariableType.Integer),
            new("AVALN", "Analysis Value with decimals", VariableType.Float),
            new("ADT", "Analysis Date", VariableType.NumericDate),
            new("ADTC", "Analysis Date as ISO text", VariableType.IsoDate),
            new("TEXT", "Free text", VariableType.Text, DatasetCodelists.NoYes),
        ],
        ["USUBJID", "ADT"]);

    private static Dataset Probe() => new(Definition,
    [
        ["S-01", 43, 12.5m, new DateOnly(2025, 3, 10), new DateOnly(2025, 3, 10), "plain"],
        ["S-02", -7, -0.1m, new DateOnly(1959, 12, 31), new DateOnly(1959, 12, 31), "comma, \"quoted\"\nand a line"],
        ["S-03", null, null, null, null, null],
        ["S-04", 0, 123456789.125m, new DateOnly(1960, 1, 1), new DateOnly(2100, 2, 28), "肾细胞癌"],
    ]);

    private static readonly string[] Expected =
    [
        "S-01|43|12.5|2025-03-10|2025-03-10|plain",
        "S-02|-7|-0.1|1959-12-31|1959-12-31|comma, \"quoted\"\nand a line",
        "S-03|||||",
        "S-04|0|123456789.125|1960-01-01|2100-02-28|肾细胞癌",
    ];

    [Fact]
    public void Xport_reads_back_names_labels_types_and_every_value()
    {
        var bytes = XportWriter.Write(Probe(), Source);
        Assert.Equal(0, bytes.Length % 80);
        var read = DatasetReaders.Xpt(bytes);
        Assert.Equal(("ADXX", "Format probe"), (read.Name, read.Label));
        Assert.Equal(Definition.Variables.Select(v => v.Name), read.Variables.Select(v => v.Name));
        Assert.Equal(Definition.Variables.Select(v => v.Label), read.Variables.Select(v => v.Label));
        Assert.Equal([false, true, true, true, false, false], read.Variables.Select(v => v.Numeric));
        Assert.Equal("DATE", read.Variables[3].Format);
        Assert.Equal(Expected, read.Lines());
    }

    [Theory]
    [InlineData(1.0, "4110000000000000")]
    [InlineData(-118.625, "C276A00000000000")]
    [InlineData(0.5, "4080000000000000")]
    [InlineData(16.0, "4210000000000000")]
    [InlineData(0.0, "0000000000000000")]
    public void Numbers_are_IBM_hexadecimal_floating_point(double value, string hex)
    {
        Assert.Equal(hex, Convert.ToHexString(IbmFloat.FromDouble(value)));
        Assert.Equal(value, DatasetReaders.IbmToDouble(Convert.FromHexString(hex)));
    }

    [Fact]
    public void Ibm_conversion_is_exact_for_any_double_in_range()
    {
        var random = new Random(18);
        for (var i = 0; i < 10_000; i++)
        {
            var value = (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-30, 30));
            Assert.Equal(value, DatasetReaders.IbmToDouble(IbmFloat.FromDouble(value)));
        }
        Assert.Equal("2E00000000000000", Convert.ToHexString(IbmFloat.Missing));
    }

    [Fact]
    public void Dataset_json_1_1_reads_back_with_its_column_metadata()
    {
        var bytes = DatasetJsonWriter.Write(Probe(), Source);
        var read = DatasetReaders.DatasetJson(bytes);
        Assert.Equal(("ADXX", "Format probe"), (read.Name, read.Label));
        Assert.Equal(Expected, read.Lines());

        using var json = System.Text.Json.JsonDocument.Parse(bytes);
        var root = json.RootElement;
        Assert.Equal("1.1.0", root.GetProperty("datasetJSONVersion").GetString());
        Assert.Equal("IG.ADXX", root.GetProperty("itemGroupOID").GetString());
        Assert.Equal("2026-12-07T04:30:00", root.GetProperty("datasetJSONCreationDateTime").GetString());
        var adt = root.GetProperty("columns")[3];
        Assert.Equal(("IT.ADXX.ADT", "date", "integer", 2), (adt.GetProperty("itemOID").GetString(), adt.GetProperty("dataType").GetString(),
            adt.GetProperty("targetDataType").GetString(), adt.GetProperty("keySequence").GetInt32()));
        Assert.Equal(Encoding.UTF8.GetByteCount("comma, \"quoted\"\nand a line"), root.GetProperty("columns")[5].GetProperty("length").GetInt32());
    }

    [Fact]
    public void Csv_reads_back_with_the_variable_names_as_header()
    {
        var bytes = CsvDatasetWriter.Write(Probe());
        Assert.NotEqual(0xEF, bytes[0]); // no byte-order mark
        var read = DatasetReaders.Csv("ADXX", bytes);
        Assert.Equal(Definition.Variables.Select(v => v.Name), read.Variables.Select(v => v.Name));
        Assert.Equal(Expected, read.Lines());
    }

    [Fact]
    public void Define_xml_describes_each_dataset_variable_and_codelist_it_uses()
    {
        var define = XDocument.Parse(Encoding.UTF8.GetString(DefineXmlWriter.Write([Probe()], Source, "Probe study", DatasetFormat.Xpt)));
        XNamespace odm = "http://www.cdisc.org/ns/odm/v1.3", def = "http://www.cdisc.org/ns/def/v2.1", xlink = "http://www.w3.org/1999/xlink";
        var version = define.Descendants(odm + "MetaDataVersion").Single();
        Assert.Equal("2.1.7", (string?)version.Attribute(def + "DefineVersion"));
        var group = version.Elements(odm + "ItemGroupDef").Single();
        Assert.Equal(("ADXX", "Analysis", "adxx.xpt"), ((string?)group.Attribute("Name"), (string?)group.Attribute("Purpose"),
            (string?)group.Element(def + "leaf")!.Attribute(xlink + "href")));
        Assert.Equal(["1", "2"], group.Elements(odm + "ItemRef").Where(r => r.Attribute("KeySequence") is not null)
            .Select(r => (string)r.Attribute("KeySequence")!));
        var items = version.Elements(odm + "ItemDef").ToDictionary(i => (string)i.Attribute("Name")!);
        Assert.Equal(6, items.Count);
        Assert.Equal(("integer", "DATE9."), ((string?)items["ADT"].Attribute("DataType"), (string?)items["ADT"].Attribute(def + "DisplayFormat")));
        Assert.Equal(("text", "4"), ((string?)items["USUBJID"].Attribute("DataType"), (string?)items["USUBJID"].Attribute("Length")));
        Assert.Equal("date", (string?)items["ADTC"].Attribute("DataType"));
        var codelist = version.Elements(odm + "CodeList").Single();
        Assert.Equal("CL.NY", (string?)codelist.Attribute("OID"));
        Assert.Equal("CL.NY", (string?)items["TEXT"].Element(odm + "CodeListRef")!.Attribute("CodeListOID"));
    }

    [Theory]
    [InlineData("2025-03-10", "2025-03-10", 1)]
    [InlineData("2025-04-21", "2025-03-10", 43)]
    [InlineData("2025-03-09", "2025-03-10", -1)]
    public void Study_days_have_no_day_zero(string date, string reference, int day) =>
        Assert.Equal(day, StudyKeys.StudyDay(DateOnly.Parse(date), DateOnly.Parse(reference)));
}
