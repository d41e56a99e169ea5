using FhirTrial.Trial.Datasets.Adam;
using FhirTrial.Trial.Datasets.Sdtm;

namespace FhirTrial.Trial.Datasets;

/// <summary>The SDTM and ADaM datasets of a study at its cut-off, in the order they are listed in define.xml.</summary>
public static class AnalysisDatasets
{
    public static IReadOnlyList<DatasetDefinition> Definitions { get; } =
    [
        DmDataset.Definition, ExDataset.Definition, AeDataset.Definition, TumourDatasets.Tu, TumourDatasets.Tr, TumourDatasets.Rs,
        FindingsDatasets.Lb, FindingsDatasets.Vs, DsDataset.Definition, QsDataset.Definition,
        AdslDataset.Definition, AdrsDataset.Definition, AdtteDataset.Definition, AdaeDataset.Definition,
    ];

    public static IReadOnlyList<Dataset> Build(DatasetStudy study) =>
    [
        DmDataset.Build(study), ExDataset.Build(study), AeDataset.Build(study), TumourDatasets.BuildTu(study), TumourDatasets.BuildTr(study),
        TumourDatasets.BuildRs(study), FindingsDatasets.BuildLb(study), FindingsDatasets.BuildVs(study), DsDataset.Build(study),
        QsDataset.Build(study), AdslDataset.Build(study), AdrsDataset.Build(study), AdtteDataset.Build(study), AdaeDataset.Build(study),
    ];
}
