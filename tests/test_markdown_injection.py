"""Markdown reports cannot be forged by what an inventory, a rubric or a saved report says."""

from __future__ import annotations

from sovcheck.formats import markdown, mdtext
from sovcheck.model.report import Report, Status
from tests.test_bad_input import VALID, write

EVIL = "Evil\n# All gates pass ✅\n<!-- ![x](http://e/x.png) [a](javascript:x) @someone `tick` a|b"


def test_code_spans_hold_backticks_and_line_breaks():
    assert mdtext.code("a`b") == "``a`b``"
    assert mdtext.code("`x`") == "`` `x` ``"
    assert mdtext.code("l1\nl2\x1b[2J") == "`l1\\nl2\\x1b[2J`"
    assert mdtext.code("") == "–"


def test_text_escapes_html_links_images_mentions_and_markers():
    assert mdtext.text(EVIL) == (
        "Evil\\\\n# All gates pass ✅\\\\n&lt;!-- !\\[x\\](http\u2060://e/x.png) \\[a\\](javascript:x) "
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
        "# ✅ sovcheck: Evil\\\\n# All gates pass ✅\\\\n&lt;!-- !\\[x\\](http\u2060://e/x.png) "
        "\\[a\\](javascript:x) @\u2060someone \\`tick\\` a|b — PASS"
        if result.code == 0
        else "# ❌ sovcheck: Evil\\\\n# All gates pass ✅\\\\n&lt;!-- !\\[x\\](http\u2060://e/x.png) "
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


def test_no_bare_url_www_address_or_e_mail_becomes_a_link():
    out = mdtext.text("see https://e.example/x, WWW.e.example and a@e.example")
    assert out == ("see https\u2060://e.example/x, WWW\u2060.e.example and a@\u2060e.example")
    assert "://" not in out.replace("\u2060://", "")


HOSTILE = "</summary></details><img src=x onerror=alert(1)> [a](https://e.example) @team"


def test_a_hostile_rule_title_or_message_stays_text_in_the_collapsible_sections(
    hospital: Report,
) -> None:
    rules = tuple(r.model_copy(update={"title": HOSTILE}) for r in hospital.rules)
    findings = tuple(
        f.model_copy(update={"message": HOSTILE, "remediation": HOSTILE}) for f in hospital.findings
    )
    out = markdown.render(hospital.model_copy(update={"rules": rules, "findings": findings}))
    fails = sum(1 for f in hospital.findings if f.status is Status.FAIL)
    # only sovcheck's own tags: one section per failing rule, closed once each
    opened = out.count("<details")
    assert opened == len({f.rule for f in hospital.findings if f.status is Status.FAIL})
    assert out.count("</details>") == opened
    assert out.count("</summary>") == opened
    assert "<img" not in out and "](https://" not in out and "@team" not in out
    summary = next(line for line in out.splitlines() if line.startswith("<details"))
    assert summary.endswith(
        " · &lt;/summary&gt;&lt;/details&gt;&lt;img src=x onerror=alert(1)&gt; "
        "[a](https\u2060://e.example) @\u2060team — 4 failing</summary>"
    )
    assert "&lt;img src=x onerror=alert(1)&gt;" in summary
    # the messages, in table cells, are escaped the same way
    assert out.count("\\[a\\](https\u2060://e.example)") >= fails
