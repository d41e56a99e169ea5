using System.Data.Common;
using System.Text;
using System.Text.Json;

namespace FhirTrial.Storage.Relational;

/// <summary>SQL text with its parameters; every value goes in as a parameter, never into the text.</summary>
public sealed class SqlBuilder
{
    private readonly StringBuilder _text = new();
    private readonly List<(string Name, object? Value)> _parameters = [];

    /// <summary>True where the database binds an array as one parameter (PostgreSQL); else sets travel as a JSON array.</summary>
    public bool ArrayParameters { get; init; }

    public string Text => _text.ToString();
    public IReadOnlyList<(string Name, object? Value)> Parameters => _parameters;

    public SqlBuilder Append(string sql) { _text.Append(sql); return this; }

    /// <summary>Adds a parameter and returns its placeholder.</summary>
    public string Param(object? value)
    {
        var name = "@p" + _parameters.Count;
        _parameters.Add((name, value switch { decimal d => (double)d, bool b => b ? 1 : 0, _ => value }));
        return name;
    }

    /// <summary>"<paramref name="column"/> is one of <paramref name="values"/>" with the whole set as one parameter, so the
    /// statement is the same whatever the set's size: <c>= ANY(@p)</c> over an array, or <c>json_each(@p)</c> over JSON text.</summary>
    public string InSet(string column, IReadOnlyCollection<string> values) => ArrayParameters
        ? $"{column} = ANY({Param(values.ToArray())})"
        : $"{column} IN (SELECT value FROM json_each({Param(JsonSerializer.Serialize(values))}))";

    public DbCommand ToCommand(DbConnection connection, DbTransaction? transaction)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Text;
        foreach (var (name, value) in _parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }
        return command;
    }
}
