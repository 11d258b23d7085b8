using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BulkOnboard.Configuration;
using BulkOnboard.Delivery;
using BulkOnboard.Sandbox;

namespace BulkOnboard.EndToEnd.Tests;

/// <summary>The sandbox's templates and processes (TALLYFY-API.md, "Templates and processes"), Tallyfy's silent traps included.</summary>
public class SandboxRunsTests
{
    private SandboxServer _sandbox = null!;
    private HttpClient _http = null!;

    private string Org => $"organizations/{_sandbox.Options.OrganizationId}";

    private SandboxTemplate Onboarding => _sandbox.State.Templates.Values.Single(t => t.Title == "Employee Onboarding");

    private SandboxTemplate Equipment => _sandbox.State.Templates.Values.Single(t => t.Title == "Equipment Request");

    private string FieldId(SandboxTemplate template, string label) => template.Fields.Single(f => f.Label == label).Id;

    private async Task Start(SandboxOptions options)
    {
        options.ExistingMembers = ["boss@contoso.example"];
        options.ExistingGuests = ["guest@partner.example"];
        _sandbox = await SandboxServer.StartAsync(options);
        _http = new HttpClient();
        TallyfyClient.Configure(_http, new TallyfyOptions { BaseUrl = _sandbox.BaseUrl.ToString() });
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _sandbox.Options.AccessToken);
    }

    private static SandboxOptions WithTemplates() => new()
    {
        Templates =
        [
            new() { Title = "Employee Onboarding", Fields = [new() { Label = "Start date", Type = "date", Required = true }, new() { Label = "Equipment", Type = "multiselect", Options = ["Monitor", "Headset"] }], Steps = ["Set up laptop", "Welcome call"] },
            new() { Title = "Equipment Request", Fields = [new() { Label = "Items", Type = "table", Columns = ["Item", "Qty"] }], Steps = ["Order"] },
            new() { Title = "Offboarding", Steps = ["Collect laptop"] },
        ],
    };

    [TearDown]
    public async Task TearDown()
    {
        _http?.Dispose();
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> Send(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, document.RootElement.Clone());
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> Launch(object body) => Send(HttpMethod.Post, $"{Org}/runs", JsonSerializer.Serialize(body));

    [Test]
    public async Task ChecklistListing_FiltersByAPartOfTheTitle_AnyCase()
    {
        await Start(WithTemplates());

        var (status, body) = await Send(HttpMethod.Get, $"{Org}/checklists?q=BOARDING");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("title").GetString()), Is.EquivalentTo(new[] { "Employee Onboarding", "Offboarding" }));
        Assert.That(body.GetProperty("meta").GetProperty("pagination").GetProperty("total").GetInt32(), Is.EqualTo(2));
    }

    [Test]
    public async Task NoTemplatesConfigured_ServesTheDefaultOnboardingTemplate_StepsOnlyWhenAsked()
    {
        await Start(new SandboxOptions());
        var id = Onboarding.Id;
        Assert.That(id, Does.Match("^[0-9a-f]{32}$"));

        var (status, plain) = await Send(HttpMethod.Get, $"{Org}/checklists/{id}");
        var (_, withSteps) = await Send(HttpMethod.Get, $"{Org}/checklists/{id}?with=steps");

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(plain.GetProperty("data").TryGetProperty("steps", out _), Is.False, "steps only with with=steps");
        var fields = plain.GetProperty("data").GetProperty("prerun").EnumerateArray().ToList();
        Assert.That(fields.Select(f => f.GetProperty("label").GetString()), Is.EqualTo(new[] { "Start date", "Department", "Manager", "Laptop", "Equipment" }));
        Assert.That(fields[3].GetProperty("options").EnumerateArray().Select(o => o.GetProperty("text").GetString()), Is.EqualTo(new[] { "Mac", "Windows", "Linux" }));
        Assert.That(withSteps.GetProperty("data").GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("title").GetString()),
            Is.EqualTo(new[] { "Set up laptop", "Welcome call", "Read the handbook" }));

        var (missing, error) = await Send(HttpMethod.Get, $"{Org}/checklists/{new string('0', 32)}");
        Assert.That(missing, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("RESOURCE_NOT_FOUND"));
    }

    [Test]
    public async Task Launch_AKeyThatIsNotAFieldId_IsDroppedSilently_AndAMultiselectWithoutSelectedReadsBackEmpty()
    {
        await Start(WithTemplates());
        var (start, equipment) = (FieldId(Onboarding, "Start date"), FieldId(Onboarding, "Equipment"));
        var prerun = new Dictionary<string, object>
        {
            [start] = "2026-03-02T00:00:00.000Z",
            ["Start date"] = "2026-03-02T00:00:00.000Z",
            [equipment] = new[] { new { id = "1", text = "Monitor", value = "Monitor" } },
        };

        var (status, created) = await Launch(new { checklist_id = Onboarding.Id, name = "Onboarding: Ada", prerun });

        Assert.That(status, Is.EqualTo(HttpStatusCode.Created), "an unknown key is no error");
        var id = created.GetProperty("data").GetProperty("id").GetString()!;
        var (_, read) = await Send(HttpMethod.Get, $"{Org}/runs/{id}");
        var stored = read.GetProperty("data").GetProperty("prerun");
        Assert.That(stored.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { start, equipment }), "the label key was dropped");
        Assert.That(stored.GetProperty(start).GetString(), Is.EqualTo("2026-03-02T00:00:00.000Z"));
        Assert.That(stored.GetProperty(equipment).GetArrayLength(), Is.Zero, "an entry without selected: true is stored as nothing");
        Assert.That(_sandbox.State.Processes[id].Prerun[equipment]!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task Launch_ASelectedMultiselectEntry_IsKept_StepsBecomeTasksWithTheirOwners()
    {
        await Start(WithTemplates());
        var equipment = FieldId(Onboarding, "Equipment");
        var boss = long.Parse(_sandbox.State.Members["boss@contoso.example"].Id);
        var (laptop, call) = (Onboarding.Steps[0].Id, Onboarding.Steps[1].Id);

        var (status, created) = await Launch(new
        {
            checklist_id = Onboarding.Id,
            prerun = new Dictionary<string, object> { [equipment] = new object[] { new { id = "1", text = "Monitor", value = "Monitor", selected = true }, new { id = "2", text = "Headset", value = "Headset" } } },
            tasks = new Dictionary<string, object> { [laptop] = new { owners = new { users = new[] { boss }, guests = new[] { "guest@partner.example" }, groups = Array.Empty<string>() } } },
        });

        Assert.That(status, Is.EqualTo(HttpStatusCode.Created));
        var id = created.GetProperty("data").GetProperty("id").GetString()!;
        Assert.That(created.GetProperty("data").GetProperty("name").GetString(), Does.StartWith("Employee Onboarding - 20"), "the default name");
        Assert.That(_sandbox.State.Processes[id].Prerun[equipment]!.AsArray().Select(e => e!["text"]!.GetValue<string>()), Is.EqualTo(new[] { "Monitor" }));
        var tasks = _sandbox.State.TasksOfProcess(id);
        Assert.That(tasks.Select(t => t.StepId), Is.EqualTo(new[] { laptop, call }));
        Assert.That(tasks[0].Users, Is.EqualTo(new[] { boss }));
        Assert.That(tasks[0].Guests, Is.EqualTo(new[] { "guest@partner.example" }));
        Assert.That(tasks[1].Users, Is.Empty, "a step without owners gets none");

        var (_, read) = await Send(HttpMethod.Get, $"{Org}/runs/{id}?with=tasks");
        Assert.That(read.GetProperty("data").GetProperty("tasks").GetArrayLength(), Is.EqualTo(2));
    }

    [Test]
    public async Task Launch_ATableWithTheWrongColumnCount_Is422_AndNothingIsCreated()
    {
        await Start(WithTemplates());
        var items = FieldId(Equipment, "Items");

        var (status, body) = await Launch(new { checklist_id = Equipment.Id, prerun = new Dictionary<string, object> { [items] = new[] { "Laptop" } } });

        Assert.That(status, Is.EqualTo((HttpStatusCode)422));
        Assert.That(body.GetProperty("message").GetString(), Is.EqualTo("Number of columns does not match required columns"));
        Assert.That(_sandbox.State.Processes, Is.Empty);
        Assert.That(_sandbox.State.Tasks, Is.Empty);

        (status, _) = await Launch(new { checklist_id = Equipment.Id, prerun = new Dictionary<string, object> { [items] = new[] { "Laptop", "1" } } });
        Assert.That(status, Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task Launch_AStepForGuestsAlone_Is422_AndNothingIsCreated()
    {
        await Start(WithTemplates());

        var (status, body) = await Launch(new
        {
            checklist_id = Onboarding.Id,
            tasks = new Dictionary<string, object> { [Onboarding.Steps[1].Id] = new { owners = new { users = Array.Empty<long>(), guests = new[] { "guest@partner.example" }, groups = Array.Empty<string>() } } },
        });

        Assert.That(status, Is.EqualTo((HttpStatusCode)422));
        Assert.That(body.GetProperty("message").GetString(), Does.Contain("guest").And.Contain("member"));
        Assert.That(_sandbox.State.Processes, Is.Empty);
        Assert.That(_sandbox.State.Tasks, Is.Empty);
    }

    [Test]
    public async Task Launch_AMissingOrUnknownTemplate_OrANameTooLong_Is422()
    {
        await Start(WithTemplates());

        Assert.That((await Launch(new { name = "x" })).Status, Is.EqualTo((HttpStatusCode)422));
        var (status, body) = await Launch(new { checklist_id = new string('a', 32) });
        Assert.That(status, Is.EqualTo((HttpStatusCode)422));
        Assert.That(body.GetProperty("errors").TryGetProperty("checklist_id", out _), Is.True);
        Assert.That((await Launch(new { checklist_id = Onboarding.Id, name = new string('n', 551) })).Status, Is.EqualTo((HttpStatusCode)422));
        Assert.That(_sandbox.State.Processes, Is.Empty);
    }

    [Test]
    public async Task DropKickoffLabel_ThatFieldsValueIsNotStored_StillListedAnd201()
    {
        var options = WithTemplates();
        options.DropKickoffLabel = "Start date";
        await Start(options);
        var start = FieldId(Onboarding, "Start date");

        var (status, created) = await Launch(new { checklist_id = Onboarding.Id, prerun = new Dictionary<string, object> { [start] = "2026-03-02T00:00:00.000Z" } });

        Assert.That(status, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(_sandbox.State.Processes[created.GetProperty("data").GetProperty("id").GetString()!].Prerun, Is.Empty);
        var (_, template) = await Send(HttpMethod.Get, $"{Org}/checklists/{Onboarding.Id}");
        Assert.That(template.GetProperty("data").GetProperty("prerun").EnumerateArray().Select(f => f.GetProperty("id").GetString()), Does.Contain(start));
    }

    [Test]
    public async Task RunLostAnswerRate_TheProcessIsCreated_ButTheAnswerIsLost()
    {
        var options = WithTemplates();
        options.RunLostAnswerRate = 1;
        options.Seed = 7;
        await Start(options);

        Assert.That(async () => await Launch(new { checklist_id = Onboarding.Id, name = "Onboarding: Ada (ada@contoso.example)" }), Throws.InstanceOf<HttpRequestException>());

        Assert.That(_sandbox.State.ProcessesOf(Onboarding.Id).Select(p => p.Name), Is.EqualTo(new[] { "Onboarding: Ada (ada@contoso.example)" }));
        Assert.That(_sandbox.State.TasksOfProcess(_sandbox.State.ProcessesOf(Onboarding.Id)[0].Id), Has.Count.EqualTo(2));
        Assert.That(_sandbox.State.Requests.Last().Applied, Is.True);
    }

    [Test]
    public async Task RunListing_ByTemplateAndAPartOfTheName_ArchiveAndRestore()
    {
        await Start(WithTemplates());
        foreach (var name in new[] { "Onboarding: Ada (ada@contoso.example)", "Onboarding: Bob (bob@contoso.example)" })
        {
            Assert.That((await Launch(new { checklist_id = Onboarding.Id, name })).Status, Is.EqualTo(HttpStatusCode.Created));
        }

        Assert.That((await Launch(new { checklist_id = Equipment.Id, name = "Laptop for ada@contoso.example" })).Status, Is.EqualTo(HttpStatusCode.Created));

        var (status, found) = await Send(HttpMethod.Get, $"{Org}/runs?checklist_id={Onboarding.Id}&q=ADA@contoso.example");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        var ada = found.GetProperty("data").EnumerateArray().Single();
        Assert.That(ada.GetProperty("name").GetString(), Is.EqualTo("Onboarding: Ada (ada@contoso.example)"));
        Assert.That(found.GetProperty("meta").GetProperty("pagination").GetProperty("total").GetInt32(), Is.EqualTo(1));

        var id = ada.GetProperty("id").GetString()!;
        Assert.That((await Send(HttpMethod.Delete, $"{Org}/runs/{id}")).Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_sandbox.State.Processes[id].Status, Is.EqualTo("archived"));
        Assert.That(_sandbox.State.TasksOfProcess(id).Select(t => t.IsOpen), Is.All.False, "its tasks are archived too");
        (_, found) = await Send(HttpMethod.Get, $"{Org}/runs?checklist_id={Onboarding.Id}&status=active");
        Assert.That(found.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("name").GetString()), Is.EqualTo(new[] { "Onboarding: Bob (bob@contoso.example)" }));

        Assert.That((await Send(HttpMethod.Put, $"{Org}/runs/{id}/activate")).Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_sandbox.State.Processes[id].Status, Is.EqualTo("active"));
        Assert.That(_sandbox.State.TasksOfProcess(id).Select(t => t.IsOpen), Is.All.True);
        Assert.That((await Send(HttpMethod.Get, $"{Org}/runs/{new string('f', 32)}")).Status, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
