using Hl7.Fhir.Model;

namespace FhirTrial.Trial.Fhir.Recist;

/// <summary>Builds nested <c>Parameters</c> parts in the order the contract lists them.</summary>
internal static class ParameterParts
{
    /// <summary>Adds a parameter with parts and returns it, so parts can be added to it.</summary>
    public static Parameters.ParameterComponent Part(this Parameters parameters, string name)
    {
        var component = new Parameters.ParameterComponent { Name = name };
        parameters.Parameter.Add(component);
        return component;
    }

    /// <summary>Adds a part with parts and returns it.</summary>
    public static Parameters.ParameterComponent Part(this Parameters.ParameterComponent parent, string name)
    {
        var component = new Parameters.ParameterComponent { Name = name };
        parent.Part.Add(component);
        return component;
    }

    /// <summary>Adds a part with a value.</summary>
    public static Parameters.ParameterComponent Part(this Parameters.ParameterComponent parent, string name, DataType value)
    {
        parent.Part.Add(new Parameters.ParameterComponent { Name = name, Value = value });
        return parent;
    }
}
