using System.Security.Cryptography;
using System.Text;
using FhirTrial.Fhir.Validation;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Tests.Validation.Rules;

/// <summary>Attachment.size and Attachment.hash are checked against inline data (FHIR R4 datatypes.html#Attachment).</summary>
public sealed class AttachmentChecksTests
{
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("CT report, 14");

    private static Media Media(Attachment content) => new()
    {
        Status = EventStatus.Completed,
        Content = content,
    };

    private static List<string> Errors(Resource resource) =>
        AttachmentChecks.Check(resource).Select(i => $"{i.Expression.Single()}: {i.Diagnostics}").ToList();

    [Fact]
    public void A_stated_size_that_is_not_the_data_length_is_an_error()
    {
        var error = Assert.Single(Errors(Media(new Attachment { Data = Data, Size = 100 })));
        Assert.StartsWith("Media.content[0]: Stated Attachment Size 100", error);
    }

    [Fact]
    public void The_right_size_no_size_or_no_data_pass()
    {
        Assert.Empty(Errors(Media(new Attachment { Data = Data, Size = Data.Length })));
        Assert.Empty(Errors(Media(new Attachment { Data = Data })));
        Assert.Empty(Errors(Media(new Attachment { Url = "https://pacs.example.net/report.pdf", Size = 100 })));
    }

    [Fact]
    public void A_hash_that_is_not_the_sha1_of_the_data_is_an_error()
    {
        Assert.Single(Errors(Media(new Attachment { Data = Data, Hash = SHA1.HashData(Encoding.UTF8.GetBytes("other")) })));
        Assert.Empty(Errors(Media(new Attachment { Data = Data, Hash = SHA1.HashData(Data) })));
    }

    [Fact]
    public void Attachments_inside_contained_resources_are_checked_where_they_are()
    {
        var report = new DiagnosticReport
        {
            Status = DiagnosticReport.DiagnosticReportStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "18748-4"),
            Contained = [Media(new Attachment { Data = Data, Size = 3 })],
            PresentedForm = [new Attachment { Data = Data, Size = 4 }],
        };
        Assert.Equal(["DiagnosticReport.contained[0].content[0]", "DiagnosticReport.presentedForm[0]"],
            Errors(report).Select(e => e[..e.IndexOf(':')]).Order(StringComparer.Ordinal));
    }
}
