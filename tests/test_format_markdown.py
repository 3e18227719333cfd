"""Markdown summary: content, table escaping, and the GitHub comment size limit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sovcheck.formats import markdown, mdtext
from sovcheck.model.report import Finding, Report, Status
from tests.conftest import audit, check_golden

ROOT = Path(__file__).resolve().parent.parent
WAIVERS = """
waivers:
  - rule: DS-001
    component: azure-france
    reason: "Migration to a qualified offer | tracked in ticket 42"
    expires: 2027-03-31
  - rule: TI-006
    component: azure-france
    reason: Old exemption
    expires: 2026-01-01
  - rule: DS-002
    reason: Nothing matches this
    expires: 2027-01-01
"""


def section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def table_rows(block: str) -> list[list[str]]:
    """Cells of each table row, split on unescaped pipes as GitHub does."""
    rows = []
    for line in block.splitlines():
        if line.startswith("| ") and not line.startswith("| ---"):
            cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
            rows.append([c.strip() for c in cells])
    return rows


def test_golden(hospital: Report) -> None:
    check_golden("formats/hospital-us-cloud.md", markdown.render(hospital))


def test_title_and_objectives(hospital: Report) -> None:
    text = markdown.render(hospital)
    first = text.splitlines()[0]
    assert first.startswith("# ") and hospital.inventory.system in first and "FAIL" in first
    rows = table_rows(section(text, "Objectives"))
    assert rows[0] == ["Objective", "Score", "Threshold", "Level", "Failing", "Unknown", "Verdict"]
    body = rows[1:]
    assert len(body) == len(hospital.objectives) + 1
    assert body[0] == ["Data security", "33.5", "70", "0 Dependent", "6", "2", "❌ FAIL"]
    assert body[2][-1] == "❌ FAIL"  # personal data transferred to US administrators
    assert body[-1][0] == "**Overall**"


def test_gates_say_which_failed(hospital: Report) -> None:
    gates = section(markdown.render(hospital), "Gates")
    assert "5 evaluated, 5 failed: `objective:data-security`" in gates
    assert "`objective:local-values`" in gates.splitlines()[3]


def rule_sections(block: str) -> dict[str, str]:
    """Each rule's collapsible section in ``block``, by rule id."""
    found = re.findall(
        r"<details(?: open)?><summary><code>([^<]+)</code>.*?</details>", block, re.S
    )
    sections = re.split(r"(?=<details)", block)[1:]
    return dict(zip(found, sections, strict=True))


def test_failing_findings_grouped_by_severity_then_rule(hospital: Report) -> None:
    block = section(markdown.render(hospital), "Failing findings")
    fails = [f for f in hospital.findings if f.status is Status.FAIL]
    assert f"## Failing findings ({len(fails)})" in block
    headings = re.findall(r"^### (\w+) \((\d+)\)$", block, flags=re.M)
    assert headings == [("Critical", "4"), ("High", "7"), ("Medium", "14")]
    sections = rule_sections(block)
    assert sorted(sections) == sorted({f.rule for f in fails})
    rows = [r for r in table_rows(block) if r[0] != "Component"]
    assert len(rows) == len(fails)
    ds001 = sections["DS-001"]
    # critical rules are open; the remediation is said once per rule, not per finding
    assert ds001.startswith("<details open><summary><code>DS-001</code> critical · ")
    assert ds001.count("**Remediation:** Move the processing") == 1
    azure = next(r for r in table_rows(ds001) if r[0] == "`azure-france`")
    assert azure[2] == "`hdh-platform → azure-france`"
    ec002 = sections["EC-002"]
    assert ec002.startswith("<details><summary><code>EC-002</code> medium · ")
    n = sum(1 for f in fails if f.rule == "EC-002")
    assert f"— {n} failing</summary>" in ec002.splitlines()[0]
    assert len(table_rows(ec002)) == n + 1
    assert block.count("**Remediation:**") == len(sections)
    # Unknowns are not failing findings here; they have their own section.
    assert "microsoft-authentication; where it is stored is not established" not in block


def test_unknowns_risks_waivers_and_scoring(hospital: Report) -> None:
    text = markdown.render(hospital)
    unknowns = table_rows(section(text, "Unknown facts to establish"))
    assert len(unknowns) == len(hospital.unknowns) + 1
    assert ["`microsoft-authentication`", "`location`", "DS-004"] in unknowns
    cutoff = table_rows(section(text, "Cut-off risks"))
    assert [r[0] for r in cutoff[1:]] == [f"`{r.component}`" for r in hospital.risks.cutoff]
    spof = table_rows(section(text, "Single points of failure"))
    assert spof[1][:2] == ["`azure-france`", "3"]
    assert "None declared." in section(text, "Waivers")
    scoring = section(text, "Scoring")
    assert "weighted mean" in scoring and "not assessed" in scoring
    assert "lowest objective level" in scoring


def test_waivers_table_and_escaping(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "inventories" / "hospital-us-cloud.yaml").read_text() + WAIVERS
    (tmp_path / "waived.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    out = markdown.render(audit("waived.yaml"))
    rows = table_rows(section(out, "Waivers"))
    assert rows[0] == ["Rule", "Component", "Reason", "Expires", "Status", "Findings waived"]
    assert rows[1] == [
        "`DS-001`",
        "`azure-france`",
        "Migration to a qualified offer \\| tracked in ticket 42",
        "2027-03-31",
        "active",
        "1",
    ]
    assert [r[4] for r in rows[1:]] == ["active", "expired", "unused"]
    assert rows[3][1] == "`(system)`"
    # The waived finding is no longer listed as failing.
    ds001 = rule_sections(section(out, "Failing findings"))["DS-001"]
    assert "`azure-france`" not in [r[0] for r in table_rows(ds001)]


def test_cell_escaping() -> None:
    # a line break in a cell would end the table row: it is shown as an escape
    assert mdtext.cell("a | b\nc\r\nd") == "a \\| b\\\\nc\\\\r\\\\nd"
    assert mdtext.cell(3) == "3"
    assert mdtext.cell(mdtext.code("x|y")) == "`x\\|y`"


def test_truncated_to_the_limit(hospital: Report) -> None:
    full = markdown.render(hospital)
    assert len(full) <= markdown.MAX_CHARS
    limit = len(full) - 2000
    cut = markdown.render(hospital, max_chars=limit)
    assert len(cut) <= limit
    match = re.search(r"\*(\d+) finding\(s\) not listed, to stay within GitHub's limit", cut)
    assert match is not None
    block = section(cut, "Failing findings")
    shown = [r for r in table_rows(block) if r[0] not in ("Component", "Rule")]
    # the rules left out are summarised one line each
    left = table_rows(block[block.index("### Rules not detailed here") :])
    assert left[0] == ["Rule", "Severity", "Title", "Findings"]
    listed = sum(int(r[3].split()[0]) for r in left[1:])
    fails = [f for f in hospital.findings if f.status is Status.FAIL]
    assert len(shown) - len(left) + 1 + int(match.group(1)) == len(fails)
    assert listed <= int(match.group(1))
    # The most severe findings are the ones kept.
    assert "### Critical (4)" in cut
    assert {r[1] for r in left[1:]} <= {"medium", "low"}
    # Everything after the findings is still there.
    assert "## Scoring" in cut and "## Waivers" in cut


def test_huge_report_stays_under_githubs_limit(hospital: Report) -> None:
    base = next(f for f in hospital.findings if f.status is Status.FAIL)
    many: list[Finding] = [
        base.model_copy(update={"component": f"component-{i:04d}"}) for i in range(600)
    ]
    big = hospital.model_copy(update={"findings": tuple(many)})
    out = markdown.render(big)
    assert len(out) <= markdown.MAX_CHARS
    assert "more finding(s) of this rule left out" in out
    assert "not listed, to stay within GitHub's limit" in out
    assert out.endswith("\n")


@pytest.mark.parametrize("size", [300, 3000])
def test_a_large_estate_stays_under_githubs_limit(cli, tmp_path: Path, size: int) -> None:
    from benchmarks.generate import generate

    json_path, _ = generate(size, tmp_path)
    result = cli("audit", json_path, "--format", "markdown")
    assert result.code == 1
    assert len(result.out) <= markdown.MAX_CHARS
    assert "more left out" in result.out  # the unreachable-component warnings
    assert result.out.rstrip().endswith(markdown.SCORING)
    if size == 3000:
        assert "### Rules not detailed here" in result.out


def test_several_reports_together_stay_under_the_limit(hospital: Report) -> None:
    out = markdown.render_many([hospital] * 3, max_chars=30_000)
    assert len(out) <= 30_000
    assert out.count("\n---\n\n") == 2
    assert out.count("## Scoring") == 3


def test_deterministic(hospital: Report) -> None:
    assert markdown.render(hospital) == markdown.render(hospital)
