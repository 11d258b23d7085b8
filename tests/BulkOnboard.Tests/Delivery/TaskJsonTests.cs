using BulkOnboard.Delivery;

namespace BulkOnboard.Tests.Delivery;

/// <summary>A task's owners are written whole (<c>owners</c> replaces the lists): a task is written only when all three lists are shown.</summary>
public class TaskJsonTests
{
    [TestCase("""{"users":[3],"guests":["g@x.example"],"groups":[]}""", true)]
    [TestCase("""{"users":{"data":[{"id":3}]},"guests":{"data":[{"email":"g@x.example"}]},"groups":{"data":[{"id":"5"}]}}""", true)]
    [TestCase("""{"users":[3],"guests":["g@x.example"]}""", false)]
    [TestCase("""{"guests":["g@x.example"],"groups":[]}""", false)]
    [TestCase("""{"users":[3],"groups":[]}""", false)]
    [TestCase("""{"users":[3],"guests":["g@x.example"],"groups":{"total":1}}""", false)]
    [TestCase("""{"users":[3],"guests":[{"name":"no email"}],"groups":[]}""", false)]
    public void ShowsOwners_OnlyWhenUsersGuestsAndGroupsAreAllShown(string owners, bool shown)
    {
        var task = TaskJson.ParseOne("""{"data":{"id":"t1","status":"not-started","owners":""" + owners + "}}");

        Assert.That(task?.ShowsOwners, Is.EqualTo(shown));
    }
}
