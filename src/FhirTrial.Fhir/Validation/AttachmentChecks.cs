using System.Security.Cryptography;
using Hl7.Fhir.Model;

namespace FhirTrial.Fhir.Validation;

/// <summary>
/// FHIR R4 Attachment (datatypes.html#Attachment): <c>size</c> is "the number of bytes of data that make up this
/// content (before base64 encoding)" and <c>hash</c> "the calculated hash of the data using SHA-1, represented using
/// base64". When the data is inline both can be checked against it; the Firely validator does not, the HL7 reference
/// validator does (a report's PDF whose stated size or hash is wrong is not the document it claims to be).
/// </summary>
public static class AttachmentChecks
{
    public static IEnumerable<OperationOutcome.IssueComponent> Check(Resource resource)
    {
        foreach (var (node, location) in ResourceWalk.Nodes(resource))
        {
            if (node is not Attachment { Data: { } data } attachment) continue;
            if (StatedSize(attachment) is { } size && size != data.LongLength)
                yield return ResourceWalk.Error(location,
                    $"Stated Attachment Size {size} does not match actual attachment size {data.LongLength}.");
            if (attachment.Hash is { Length: > 0 } hash && !SHA1.HashData(data).AsSpan().SequenceEqual(hash))
                yield return ResourceWalk.Error(location,
                    $"The hash of the data does not match the stated hash (stated '{Convert.ToBase64String(hash)}', " +
                    $"SHA-1 of the data '{Convert.ToBase64String(SHA1.HashData(data))}').");
        }
    }

    /// <summary>The stated size, read as the element's text: R4 types it unsignedInt where the shared model says integer64.</summary>
    private static long? StatedSize(Attachment attachment) =>
        attachment.EnumerateElements().FirstOrDefault(e => e.Key == "size").Value is PrimitiveType { } size
        && long.TryParse(size.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
