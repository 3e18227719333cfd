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
    assert body[0] == ["Data security", "33.0", "70", "0 Dependent", "6", "5", "❌ FAIL"]
    assert body[2][-1] == "❌ FAIL"  # personal data transferred to US administrators
    assert body[-1][0] == "**Overall**"


def test_gates_say_which_failed(hospital: Report) -> None:
    gates = section(markdown.render(hospital), "Gates")
    assert "5 evaluated, 5 failed: `objective:data-security`" in gates
    assert "`objective:local-values`" in gates.splitlines()[3]


def test_failing_findings_grouped_by_severity(hospital: Report) -> None:
    block = section(markdown.render(hospital), "Failing findings")
    fails = [f for f in hospital.findings if f.status is Status.FAIL]
    assert f"## Failing findings ({len(fails)})" in block
    headings = re.findall(r"^### (\w+) \((\d+)\)$", block, flags=re.M)
    assert headings == [("Critical", "4"), ("High", "7"), ("Medium", "14")]
    rows = [r for r in table_rows(block) if r[0] != "Rule"]
    assert len(rows) == len(fails)
    azure = next(r for r in rows if r[:2] == ["`DS-001`", "`azure-france`"])
    assert azure[3] == "`hdh-platform → azure-france`"
    assert azure[4].startswith("Move the processing")
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
    fails = table_rows(section(out, "Failing findings"))
    assert ["`DS-001`", "`azure-france`"] not in [r[:2] for r in fails]


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
    match = re.search(r"\*(\d+) more failing finding\(s\) left out", cut)
    assert match is not None
    shown = [r for r in table_rows(section(cut, "Failing findings")) if r[0] != "Rule"]
    fails = [f for f in hospital.findings if f.status is Status.FAIL]
    assert len(shown) + int(match.group(1)) == len(fails)
    # The most severe findings are the ones kept.
    assert "### Critical (4)" in cut
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
    assert "more failing finding(s) left out" in out
    assert out.endswith("\n")


def test_deterministic(hospital: Report) -> None:
    assert markdown.render(hospital) == markdown.render(hospital)
