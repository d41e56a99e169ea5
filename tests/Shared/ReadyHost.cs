using FhirTrial.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FhirTrial.Tests.Shared;

/// <summary>In-process test servers are used as soon as they are built: they wait for the background start-up (package,
/// fixture, validator) once, here, rather than under each test's HttpClient timeout.</summary>
public static class ReadyHost
{
    public static IHost WhenReady(this IHost host)
    {
        host.Services.GetRequiredService<StartupSeeder>().Completion.GetAwaiter().GetResult();
        return host;
    }
}
