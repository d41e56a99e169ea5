namespace FhirTrial.Cli;

/// <summary>What <c>fhirtrial</c> exits with; scripts can tell a bad file from a bad command line from a missing server.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int DataErrors = 1;
    public const int Usage = 2;
    public const int ServerUnreachable = 3;
}

/// <summary>A command line the tool cannot act on; exits 2 with the message and the usage.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The server could not be reached (or went away); exits 3.</summary>
public sealed class ServerUnreachableException(string message, Exception? inner = null) : Exception(message, inner);
