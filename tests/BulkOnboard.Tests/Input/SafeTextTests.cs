using BulkOnboard.Input;

namespace BulkOnboard.Tests.Input;

public class SafeTextTests
{
    [TestCase("plain name.csv", "plain name.csv")]
    [TestCase("evil\u001b[2J\nINF forged.csv", "evil\\u001b[2J\\nINF forged.csv")]
    [TestCase("tab\there\r", "tab\\there\\r")]
    [TestCase("bell\u0007 c1\u009b rtl\u202e", "bell\\u0007 c1\\u009b rtl\\u202e")]
    [TestCase("ünïcode ａ 用户", "ünïcode ａ 用户")]
    public void Of_EscapesWhatWouldActOnATerminalOrALogLine_KeepsTheRest(string text, string expected) =>
        Assert.That(SafeText.Of(text), Is.EqualTo(expected));
}
