"""Markdown reports cannot be forged by what an inventory, a rubric or a saved report says."""

from __future__ import annotations

from sovcheck.formats import mdtext
from tests.test_bad_input import VALID, write

EVIL = "Evil\n# All gates pass ✅\n<!-- ![x](http://e/x.png) [a](javascript:x) @someone `tick` a|b"


def test_code_spans_hold_backticks_and_line_breaks():
    assert mdtext.code("a`b") == "``a`b``"
    assert mdtext.code("`x`") == "`` `x` ``"
    assert mdtext.code("l1\nl2\x1b[2J") == "`l1\\nl2\\x1b[2J`"
    assert mdtext.code("") == "–"


def test_text_escapes_html_links_images_mentions_and_markers():
    assert mdtext.text(EVIL) == (
        "Evil\\\\n# All gates pass ✅\\\\n&lt;!-- !\\[x\\](http://e/x.png) \\[a\\](javascript:x) "
        "@\u2060someone \\`tick\\` a|b"
    )
    assert mdtext.text("# heading") == "\\# heading"
    assert mdtext.text("1. item") == "1\\. item"
    assert mdtext.text("- item") == "\\- item"
    assert mdtext.text("33.5") == "33.5"


def test_an_inventory_cannot_forge_the_markdown_report(cli, tmp_path):
    name = EVIL.replace("\n", "\\n")
    text = VALID.replace("name: Test system", f'name: "{name}"')
    result = cli("audit", write(tmp_path, text), "--format", "markdown")
    assert result.code in (0, 1), result
    lines = result.out.splitlines()
    assert lines[0] == (
        "# ✅ sovcheck: Evil\\\\n# All gates pass ✅\\\\n&lt;!-- !\\[x\\](http://e/x.png) "
        "\\[a\\](javascript:x) @\u2060someone \\`tick\\` a|b — PASS"
        if result.code == 0
        else "# ❌ sovcheck: Evil\\\\n# All gates pass ✅\\\\n&lt;!-- !\\[x\\](http://e/x.png) "
        "\\[a\\](javascript:x) @\u2060someone \\`tick\\` a|b — FAIL"
    )
    # nothing of it reaches the output live: no line starts a heading of its own, no HTML
    # comment opens, no image or link is written, no one is mentioned
    assert [line for line in lines if line.startswith("# ")] == [lines[0]]
    assert "<!--" not in result.out
    assert "![x]" not in result.out and "[a](" not in result.out
    assert "@someone" not in result.out


def test_a_waiver_reason_cannot_break_the_waivers_table(cli, tmp_path):
    inventory = write(tmp_path, VALID)
    waivers = write(
        tmp_path,
        "waivers:\n  - rule: DS-001\n    component: app\n"
        '    reason: "ok | fine\\n# All gates pass ✅\\n<!--"\n    expires: 2099-01-01\n',
        "waivers.yaml",
    )
    result = cli("audit", inventory, "--waivers", waivers, "--format", "markdown")
    assert result.code in (0, 1), result
    rows = [line for line in result.out.splitlines() if line.startswith("| `DS-001` | `app`")]
    assert rows == [
        "| `DS-001` | `app` | ok \\| fine\\\\n# All gates pass ✅\\\\n&lt;!-- | 2099-01-01 | unused | 0 |"
    ]
    assert "<!--" not in result.out
