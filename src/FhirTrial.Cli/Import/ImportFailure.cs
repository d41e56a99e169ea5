namespace FhirTrial.Cli.Import;

/// <summary>One thing the server refused: where it came from and what the OperationOutcome said.</summary>
public sealed record ImportFailure(string File, string Where, int Status, string Diagnostics);
