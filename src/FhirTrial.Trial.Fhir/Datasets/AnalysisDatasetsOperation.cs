using FhirTrial.Fhir.Conformance;
using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Errors;
using FhirTrial.Trial.Datasets;
using FhirTrial.Trial.Datasets.Formats;
using FhirTrial.Trial.Fhir.Common;

namespace FhirTrial.Trial.Fhir.Datasets;

/// <summary>
/// <c>GET|POST ResearchStudy/{id}/$analysis-datasets[?cutoff=YYYY-MM-DD][&amp;format=csv|dataset-json|xpt]</c>: the study's
/// SDTM and ADaM datasets at the cut-off with define.xml, as <c>application/zip</c> (CONTRACT.md section 7; issue 18).
/// </summary>
public sealed class AnalysisDatasetsOperation(DatasetFactsGatherer gatherer, TimeProvider clock) : IFhirOperation
{
    public const string FormatParameter = "format";

    public OperationInfo Info { get; } = new("analysis-datasets", TrialCodes.Canon + "/OperationDefinition/analysis-datasets", ["ResearchStudy"]);

    public bool Accepts(string? type, string? id) => type == "ResearchStudy" && id is not null;

    public async Task<OperationResult> ExecuteAsync(OperationRequest request, CancellationToken ct)
    {
        var cutoff = DataCutoff.Resolve(request);
        var format = Format(request.Value(FormatParameter));
        var study = await gatherer.GatherAsync(request.Id!, cutoff, ct);
        var source = new DatasetSource(study.StudyId, clock.GetUtcNow());
        var zip = DatasetPackage.Write(AnalysisDatasets.Build(study), format, source, study.Title);
        return OperationResult.Ok(new OperationFile(DatasetPackage.ContentType,
            $"{request.Id}-datasets-{FhirTrial.Trial.Fhir.Recist.FhirJson.Format(cutoff)}-{format.Extension()}.zip", zip));
    }

    /// <summary>csv (the default), dataset-json or xpt; anything else is a 400.</summary>
    public static DatasetFormat Format(string? value) =>
        string.IsNullOrWhiteSpace(value) ? DatasetFormat.Csv
        : DatasetFormats.TryParse(value.Trim(), out var format) ? format
        : throw FhirException.BadRequest($"'{FormatParameter}' must be csv, dataset-json or xpt, not '{value}'.");
}
