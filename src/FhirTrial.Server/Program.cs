using FhirTrial.Fhir.Engine;
using FhirTrial.Server.Dashboard;
using FhirTrial.Server.Docs;
using FhirTrial.Server.Export;
using FhirTrial.Server.Hosting;
using FhirTrial.Server.Http;
using FhirTrial.Server.Security;
using FhirTrial.Trial.Fhir;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:8080");
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = RequestLimits.From(builder.Configuration).MaxRequestBytes);

builder.Services.AddFhirEngine(builder.Configuration["Fhir:ProfilesPath"]);
builder.Services.AddTrialOperations();
builder.Services.AddFhirStore(builder.Configuration);
builder.Services.AddFhirWeb(builder.Configuration);
builder.Services.AddFhirSecurity(builder.Configuration);
builder.Services.AddBulkExport(builder.Configuration);
builder.Services.AddFhirOpenApi();
builder.Services.AddFhirHealthChecks();
builder.Services.AddSubscriptions(builder.Configuration);

var app = builder.Build();
DeveloperMode.Enforce(app);
LocalBaseUrls.Register(app.Configuration);
// The schema before listening; the package, the fixture and the validator's warm-up after (data requests wait for them).
var startup = app.Services.GetRequiredService<StartupSeeder>();
await startup.MigrateAsync(app.Lifetime.ApplicationStopping);
startup.Start(app.Lifetime.ApplicationStopping);

app.UseMiddleware<FhirErrorMiddleware>();
app.UseMiddleware<ReadYourWritesMiddleware>();
app.UseDeveloperModeGuards();
app.MapDashboard(); // static files only, no data: served before authorization
app.UseFhirHtmlView(); // a browser's HTML page for /fhir/... holds no data; its script reads the FHIR API (authorized)
app.UseFhirSecurity();
app.UseMiddleware<StartupGate>();
app.UseWebSockets(); // the websocket subscription channel
app.MapFhirHealthChecks();
app.MapFrontDoor();
app.MapFhir();
app.MapSubscriptionWebSocket();
app.MapBulkExport();
app.MapFhirDocs();
app.Run();

/// <summary>Visible to the test host.</summary>
public partial class Program;
