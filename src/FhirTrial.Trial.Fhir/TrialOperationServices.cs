using FhirTrial.Fhir.Engine;
using FhirTrial.Fhir.Validation;
using FhirTrial.Trial.Fhir.Common;
using FhirTrial.Trial.Fhir.Datasets;
using FhirTrial.Trial.Fhir.Efficacy;
using FhirTrial.Trial.Fhir.Eligibility;
using FhirTrial.Trial.Fhir.Protocol;
using FhirTrial.Trial.Fhir.QualityOfLife;
using FhirTrial.Trial.Fhir.Recist;
using FhirTrial.Trial.Fhir.Safety;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FhirTrial.Trial.Fhir;

/// <summary>Wires the trial's operations into the FHIR engine (needs <c>AddFhirEngine()</c> and a store).</summary>
public static class TrialOperationServices
{
    public static IServiceCollection AddTrialOperations(this IServiceCollection services)
    {
        services.AddSingleton<RecordReader>();
        services.AddSingleton<IFhirOperation, EligibilityOperation>();
        services.AddSingleton<IFhirOperation, ProtocolDeviationsOperation>();
        services.AddSingleton(sp => CtcaeTermMap.From(sp.GetRequiredService<TrialPackage>().Resources));
        services.AddSingleton<IFhirOperation, SafetyOperation>();
        services.AddSingleton<IFhirOperation, ScoreOperation>();
        services.AddSingleton<SubjectFactsGatherer>();
        services.AddSingleton<RecistObservationWriter>();
        services.AddSingleton<RecistResponseHandler>();
        services.AddSingleton<StudyOutcomes>();
        services.AddSingleton<IFhirOperation, RecistResponseOperation>();
        services.AddSingleton<IFhirOperation, EfficacyOperation>();
        services.AddSingleton<IFhirOperation, InterimOperation>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<DatasetFactsGatherer>();
        services.AddSingleton<IFhirOperation, AnalysisDatasetsOperation>();
        return services;
    }
}
