namespace FhirTrial.Fhir.Engine;

/// <summary>What the engine needs to know of the HTTP request: the base URL for links, and the client's preferences.</summary>
public sealed record RequestContext(string BaseUrl, ReturnPreference Return = ReturnPreference.Minimal, bool StrictHandling = false);

public enum ReturnPreference { Minimal, Representation, OperationOutcome }
