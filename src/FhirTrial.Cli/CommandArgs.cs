namespace FhirTrial.Cli;

/// <summary>The words after the command: positional arguments and <c>--name value</c> / <c>--flag</c> options.</summary>
public sealed class CommandArgs
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    /// <summary>Splits <paramref name="args"/>; <paramref name="flags"/> are the options that take no value.</summary>
    public static CommandArgs Parse(IEnumerable<string> args, params string[] flags)
    {
        var result = new CommandArgs();
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var arg = e.Current;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                var name = arg[2..];
                string? value = null;
                var eq = name.IndexOf('=');
                if (eq >= 0) (name, value) = (name[..eq], name[(eq + 1)..]);
                else if (!flags.Contains(name))
                    value = e.MoveNext() ? e.Current : throw new UsageException($"--{name} needs a value.");
                result._options[name] = value;
            }
            else result.Positional.Add(arg);
        }
        return result;
    }

    public string? Option(string name)
    {
        _read.Add(name);
        return _options.GetValueOrDefault(name);
    }

    public string Required(string name) => Option(name) ?? throw new UsageException($"--{name} is required.");

    public bool Flag(string name)
    {
        _read.Add(name);
        return _options.ContainsKey(name);
    }

    public int Int(string name, int fallback, int min = 1)
    {
        var text = Option(name);
        if (text is null) return fallback;
        return int.TryParse(text, out var value) && value >= min ? value : throw new UsageException($"--{name} must be a whole number of at least {min}.");
    }

    /// <summary>Call after reading every option: a misspelled option is an error, not silently ignored.</summary>
    public void RejectUnknown()
    {
        var unknown = _options.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0) throw new UsageException($"Unknown option{(unknown.Count > 1 ? "s" : "")}: {string.Join(", ", unknown.Select(u => "--" + u))}.");
    }
}
