using System.Diagnostics;
using Firely.Fhir.Validation;

namespace FhirTrial.Fhir.Validation;

/// <summary>
/// The time one validation may spend on its instance. The Firely validator takes no cancellation token, but consults
/// <see cref="ValidationSettings.ExcludeFilters"/> at every element it visits: <see cref="Install"/> puts a check there
/// that stops the run over its budget (a Patient with 1,000 nested extensions ran for 68 s). Compiling a schema the
/// first time a type or profile is met is the server warming up, not the instance's cost, and is not counted.
/// </summary>
internal sealed class ValidationBudget(TimeSpan limit, CancellationToken aborted)
{
    /// <summary>The budget of the validation running on this flow.</summary>
    private static readonly AsyncLocal<ValidationBudget?> Running = new();

    private readonly long _started = Stopwatch.GetTimestamp();
    private TimeSpan _compiling;
    private int _compileDepth;

    public TimeSpan Limit => limit;

    /// <summary>Time spent on the instance so far, schema compilation left out.</summary>
    public TimeSpan Spent => Stopwatch.GetElapsedTime(_started) - _compiling;

    public bool Exceeded => Spent > limit;

    /// <summary>Runs <paramref name="validate"/> with this budget; throws OperationCanceledException when it is spent or the caller went away.</summary>
    public T Run<T>(Func<T> validate)
    {
        Running.Value = this;
        var result = validate();
        Check(); // the validator may have caught the stop and carried on
        return result;
    }

    private void Check()
    {
        aborted.ThrowIfCancellationRequested();
        if (Exceeded) throw new OperationCanceledException($"The validation took longer than {limit}.");
    }

    /// <summary>Adds the budget check to <paramref name="settings"/> and returns the schema resolver to give the validator.</summary>
    public static IElementSchemaResolver Install(ValidationSettings settings, IElementSchemaResolver schemas)
    {
        settings.ExcludeFilters.Add(_ =>
        {
            Running.Value?.Check();
            return false;
        });
        return new CompileTimeNotCounted(schemas);
    }

    private sealed class CompileTimeNotCounted(IElementSchemaResolver inner) : IElementSchemaResolver
    {
        public ElementSchema? GetSchema(Canonical schemaUri)
        {
            var budget = Running.Value;
            if (budget is null) return inner.GetSchema(schemaUri);
            var started = Stopwatch.GetTimestamp();
            budget._compileDepth++;
            try
            {
                return inner.GetSchema(schemaUri);
            }
            finally
            {
                if (--budget._compileDepth == 0) budget._compiling += Stopwatch.GetElapsedTime(started);
            }
        }
    }
}
