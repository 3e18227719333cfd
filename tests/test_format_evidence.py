"""Passing findings as evidence (--show-passed) and warnings, in every format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from sovcheck.formats import junit, markdown, sarif, table
from sovcheck.model.report import Report, Status
from tests import github_sarif
from tests.conftest import audit, check_junit

OVERRIDE = """\
sovcheck: 1
system: {name: Override, home: FR, trusted: [EU], classification: restricted, entrypoints: [app]}
organizations:
  - {id: microsoft, name: Microsoft, country: FR}
components:
  - {id: app, kind: application, name: App, supplier: french-state, runs_on: [cloud]}
  - {id: cloud, kind: cloud, name: Cloud, supplier: microsoft, location: [FR]}
  - {id: orphan, kind: library, name: Nothing uses it, supplier: meta, license: MIT}
"""


def _override(tmp_path: Path) -> Report:
    path = tmp_path / "override.yaml"
    path.write_text(OVERRIDE, encoding="utf-8")
    return audit(path)


def test_passing_findings_read_as_evidence_in_every_format(in_root: None) -> None:
    report = audit("inventories/hospital-trusted-cloud.yaml", include_passed=True)
    passed = [f for f in report.findings if f.status is Status.PASS]
    ds001 = next(f for f in passed if f.rule == "DS-001" and f.component == "scaleway-cloud")
    assert ds001.message == (
        "restricted data at scaleway-cloud is held by scaleway under FR control, in the trusted area"
    )
    # the wording of a pass is not the wording of a failure
    ds004 = next(f for f in passed if f.rule == "DS-004" and f.component == "scaleway-cloud")
    assert ds004.message == (
        "restricted data at scaleway-cloud is stored and processed in FR, in the trusted area"
    )
    assert {f.rule for f in passed} >= {"DS-001", "DS-004", "DS-007", "LV-003"}
    # wide enough that the message column is at its cap (60), which the phrase fits
    assert "restricted data at scaleway-cloud is held by scaleway" in table.render(
        report, width=200
    )
    text = markdown.render(report)
    assert f"## Passing findings ({len(passed)})" in text
    run = json.loads(sarif.render(report))["runs"][0]
    passes = [r for r in run["results"] if r.get("kind") == "pass"]
    assert len(passes) == len(passed)
    assert all(r["level"] == "none" for r in passes)
    github_sarif.check(sarif.render(report))
    check_junit(junit.render(report))
    root = ET.fromstring(junit.render(report).encode("utf-8"))
    case = root.find(".//testcase[@name='DS-001 scaleway-cloud']")
    assert case is not None and len(case) == 0  # a passing test case


def test_an_open_source_library_passes_with_words_that_say_so(tmp_path: Path) -> None:
    path = tmp_path / "lib.yaml"
    path.write_text(
        "sovcheck: 1\nsystem: {name: L, home: FR, trusted: [EU]}\ncomponents:\n"
        "  - {id: langchain, kind: library, name: LangChain, supplier: meta, license: MIT}\n",
        encoding="utf-8",
    )
    report = audit(path, include_passed=True)
    f = next(f for f in report.findings if f.rule == "TI-005")
    assert (f.status, f.message) == (Status.PASS, "langchain is open source (licence: MIT)")


def test_without_show_passed_no_format_lists_passes(in_root: None) -> None:
    report = audit("inventories/hospital-trusted-cloud.yaml")
    assert not [f for f in report.findings if f.status is Status.PASS]
    assert "## Passing findings" not in markdown.render(report)
    run = json.loads(sarif.render(report))["runs"][0]
    assert not [r for r in run["results"] if r.get("kind") == "pass"]


def test_an_override_of_the_catalog_and_an_unreachable_component_are_warned_everywhere(
    tmp_path: Path,
) -> None:
    report = _override(tmp_path)
    kinds = [(w.kind, w.subject) for w in report.warnings]
    assert kinds == [("catalog-override", "microsoft"), ("unreachable", "orphan")]
    override = report.warnings[0]
    assert override.message.startswith(
        "organization microsoft: the inventory sets country FR where the catalog has US"
    )
    assert override.location is not None and override.location.line == 4
    assert report.warnings[1].location is not None and report.warnings[1].location.line == 8
    # the override takes effect (Microsoft is taken as French here), and says so
    assert not [f for f in report.findings if f.rule == "DS-001"]
    text = table.render(report)
    # after the title, which wraps at the width when the temporary path is long
    first = next(n for n, line in enumerate(text.splitlines()) if line.startswith("WARNING"))
    assert text.splitlines()[first - 1].startswith("home FR · trusted EU")
    assert text.splitlines()[first].startswith("WARNING (line 4): organization microsoft")
    assert "WARNING (line 8): orphan is not reachable" in " ".join(text.split())
    md = markdown.render(report)
    assert "> [!WARNING]" in md and "`orphan` (line 8)" in md
    run = json.loads(sarif.render(report))["runs"][0]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["descriptor"]["id"] for n in notes] == [
        "sovcheck/catalog-override",
        "sovcheck/unreachable",
    ]
    assert notes[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 4
    github_sarif.check(sarif.render(report))
    check_junit(junit.render(report))
    err = ET.fromstring(junit.render(report).encode("utf-8")).find("testsuite/system-err")
    assert err is not None and "organization microsoft" in (err.text or "")


def test_no_warnings_when_the_override_changes_neither_country_nor_parent(
    tmp_path: Path,
) -> None:
    path = tmp_path / "same.yaml"
    path.write_text(
        OVERRIDE.replace("country: FR}", "country: US}").replace(
            "  - {id: orphan, kind: library, name: Nothing uses it, supplier: meta, license: MIT}\n",
            "",
        ),
        encoding="utf-8",
    )
    report = audit(path)
    assert report.warnings == ()
    assert [o.id for o in report.organizations] == ["microsoft"]


def test_a_warning_does_not_grow_with_the_inventory(tmp_path: Path) -> None:
    """One warning per unreachable component, each of a bounded size: a message that
    listed the entrypoints made the report quadratic in the number of components."""
    n = 300
    comps = [{"id": f"app-{k}", "kind": "application", "name": f"App {k}"} for k in range(n)] + [
        {"id": f"lib-{k}", "kind": "library", "name": f"Lib {k}"} for k in range(n)
    ]
    entry = [f"app-{k}" for k in range(n)]
    data = {
        "sovcheck": 1,
        "system": {"name": "Many", "home": "FR", "entrypoints": entry},
        "components": comps,
    }
    path = tmp_path / "many.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    report = audit(path)
    unreachable = [w for w in report.warnings if w.kind == "unreachable"]
    assert len(unreachable) == n
    assert max(len(w.message) for w in unreachable) < 300
