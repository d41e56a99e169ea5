using FhirTrial.Fhir.Engine;
using FhirTrial.Server.Hosting;
using FhirTrial.Server.Http;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:8080");
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = RequestLimits.From(builder.Configuration).MaxRequestBytes);

builder.Services.AddFhirEngine();
builder.Services.AddFhirStore(builder.Configuration);
builder.Services.AddFhirWeb(builder.Configuration);

var app = builder.Build();
DeveloperMode.Enforce(app);
await app.Services.GetRequiredService<StartupSeeder>().RunAsync(app.Lifetime.ApplicationStopping);

app.UseMiddleware<FhirErrorMiddleware>();
app.MapFhir();
app.Run();

/// <summary>Visible to the test host.</summary>
public partial class Program;
