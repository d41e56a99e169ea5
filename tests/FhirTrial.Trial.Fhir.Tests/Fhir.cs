using FhirTrial.Trial.Fhir.Common;
using Hl7.Fhir.Model;
using Quantity = Hl7.Fhir.Model.Quantity;

namespace FhirTrial.Trial.Fhir.Tests;

/// <summary>Builders for the FHIR resources the EHR sends (CONTRACT.md section 3), kept short so tests read as data.</summary>
public static class Fhir
{
    public static Patient Patient(string id, string? birthDate = "1960-05-01", string? deceased = null) => new()
    {
        Id = id,
        BirthDate = birthDate,
        Gender = AdministrativeGender.Male,
        ManagingOrganization = new ResourceReference("Organization/renji"),
        Deceased = deceased is null ? null : new FhirDateTime(deceased),
    };

    public static ResourceReference Ref(Resource r) => new($"{r.TypeName}/{r.Id}");

    public static Quantity Ucum(decimal value, string code) => new() { Value = value, System = TrialCodes.Ucum, Code = code, Unit = code };

    public static Observation Observation(string patient, string system, string code, string date, DataType? value, string? id = null) => new()
    {
        Id = id,
        Status = ObservationStatus.Final,
        Code = new CodeableConcept(system, code),
        Subject = new ResourceReference($"Patient/{patient}"),
        Effective = new FhirDateTime(date),
        Value = value,
    };

    public static Observation Lab(string patient, string loinc, string date, decimal value, string unit, decimal? uln = null, string? ulnUnit = null)
    {
        var o = Observation(patient, TrialCodes.Loinc, loinc, date, Ucum(value, unit));
        if (uln is { } high) o.ReferenceRange.Add(new Observation.ReferenceRangeComponent { High = Ucum(high, ulnUnit ?? unit) });
        return o;
    }

    public static Observation BloodPressure(string patient, string date, decimal systolic, decimal diastolic)
    {
        var o = Observation(patient, TrialCodes.Loinc, TrialCodes.BloodPressurePanel, date, null);
        o.Component.Add(new Observation.ComponentComponent { Code = new CodeableConcept(TrialCodes.Loinc, TrialCodes.Systolic), Value = Ucum(systolic, "mm[Hg]") });
        o.Component.Add(new Observation.ComponentComponent { Code = new CodeableConcept(TrialCodes.Loinc, TrialCodes.Diastolic), Value = Ucum(diastolic, "mm[Hg]") });
        return o;
    }

    public static Condition Condition(string patient, params Coding[] codes) => new()
    {
        Subject = new ResourceReference($"Patient/{patient}"),
        Code = new CodeableConcept { Coding = [.. codes] },
        RecordedDate = "2023-06-01",
    };

    public static Extension Histology(string code) =>
        new("http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-histology-morphology-behavior",
            new CodeableConcept(TrialCodes.IcdO3, code));

    public static MedicationStatement Statement(string patient, string atc, string start) => new()
    {
        Status = MedicationStatement.MedicationStatusCodes.Completed,
        Subject = new ResourceReference($"Patient/{patient}"),
        Medication = new CodeableConcept(TrialCodes.Atc, atc),
        Effective = new Period { Start = start },
    };

    public static BodyStructure Lesion(string patient, string id, string role, bool node = false)
    {
        var b = new BodyStructure
        {
            Id = id,
            Patient = new ResourceReference($"Patient/{patient}"),
            Identifier = [new Identifier(null, id)],
            Location = new CodeableConcept(TrialCodes.Snomed, "64033007"),
        };
        b.SetExtension(TrialCodes.LesionRoleExtension, new Code(role));
        b.SetExtension(TrialCodes.LymphNodeExtension, new FhirBoolean(node));
        return b;
    }

    public static Observation Size(string patient, BodyStructure lesion, string date, decimal mm, string? encounter = null)
    {
        var o = Observation(patient, TrialCodes.Loinc, TrialCodes.TumourSize, date, Ucum(mm, "mm"));
        o.Focus.Add(Ref(lesion));
        if (encounter is not null) o.Encounter = new ResourceReference($"Encounter/{encounter}");
        return o;
    }

    public static Observation NewLesion(string patient, BodyStructure lesion, string date, string certainty)
    {
        var o = Observation(patient, TrialCodes.RecistSystem, TrialCodes.NewLesion, date, new CodeableConcept(TrialCodes.RecistSystem, certainty));
        o.Focus.Add(Ref(lesion));
        return o;
    }

    public static MedicationAdministration Given(string patient, string drug, string date, decimal mg, bool byReference = true) => new()
    {
        Status = MedicationAdministration.MedicationAdministrationStatusCodes.Completed,
        Subject = new ResourceReference($"Patient/{patient}"),
        Medication = byReference
            ? new ResourceReference($"Medication/{drug}")
            : new CodeableConcept(TrialCodes.StudyDrugSystem, drug),
        Effective = new FhirDateTime(date),
        Dosage = new MedicationAdministration.DosageComponent { Dose = Ucum(mg, "mg") },
    };

    public static MedicationRequest Prescribed(string patient, string date, decimal mg) => new()
    {
        Status = MedicationRequest.MedicationrequestStatus.Active,
        Intent = MedicationRequest.MedicationRequestIntent.Order,
        Subject = new ResourceReference($"Patient/{patient}"),
        Medication = new ResourceReference("Medication/lenvatinib"),
        AuthoredOn = date,
        DosageInstruction = [new Dosage { DoseAndRate = [new Dosage.DoseAndRateComponent { Dose = Ucum(mg, "mg") }] }],
    };

    public static ResearchSubject Subject(string id, string patient, string start, ResearchSubject.ResearchSubjectStatus status = ResearchSubject.ResearchSubjectStatus.OnStudy) => new()
    {
        Id = id,
        Status = status,
        Study = new ResourceReference($"ResearchStudy/{TrialStore.StudyId}"),
        Individual = new ResourceReference($"Patient/{patient}"),
        Period = new Period { Start = start },
    };
}

/// <summary>Reading operation outputs.</summary>
public static class ParametersReading
{
    public static IEnumerable<Parameters.ParameterComponent> All(this Parameters p, string name) => p.Parameter.Where(x => x.Name == name);

    public static DataType? Out(this Parameters p, string name) => p.Parameter.FirstOrDefault(x => x.Name == name)?.Value;

    public static DataType? Part(this Parameters.ParameterComponent c, string name) => c.Part.FirstOrDefault(x => x.Name == name)?.Value;

    public static IEnumerable<DataType> Parts(this Parameters.ParameterComponent c, string name) =>
        c.Part.Where(x => x.Name == name).Select(x => x.Value).OfType<DataType>();

    /// <summary>The text of a code, string or date value; "" when absent.</summary>
    public static string Text(this DataType? value) => value switch
    {
        Code c => c.Value,
        FhirString s => s.Value,
        Date d => d.Value,
        _ => value?.ToString(),
    } ?? "";

    public static int Int(this DataType? value) => ((Integer)value!).Value!.Value;

    public static decimal? Dec(this DataType? value) => (value as FhirDecimal)?.Value;

    /// <summary>The reference of a valueReference; "" when absent.</summary>
    public static string Ref(this DataType? value) => (value as ResourceReference)?.Reference ?? "";
}
