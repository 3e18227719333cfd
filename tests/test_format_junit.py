"""JUnit XML output: what GitLab and Jenkins read back (suites, cases, counts), valid
against the Jenkins schema (tests/data/junit-10.xsd)."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from sovcheck.formats import junit
from sovcheck.model.report import Report, Status
from tests.conftest import audit, check_golden, check_junit

ROOT = Path(__file__).resolve().parent.parent
WAIVERS = """
waivers:
  - rule: DS-001
    component: azure-france
    reason: "Migration to a qualified offer <see ticket 42> & co"
    expires: 2027-03-31
"""


def check_counts(root: ET.Element) -> None:
    """Every count attribute agrees with the elements, as CI parsers recompute them; a
    suite's cases are named after its objective (and its inventory, with several)."""
    totals = {"tests": 0, "failures": 0}
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        failures = sum(1 for c in cases if c.find("failure") is not None)
        skipped = sum(1 for c in cases if c.find("skipped") is not None)
        assert suite.get("tests") == str(len(cases))
        assert suite.get("failures") == str(failures)
        assert suite.get("skipped") == str(skipped)
        assert suite.get("errors") == "0"
        totals["tests"] += len(cases)
        totals["failures"] += failures
        inventory, _, objective = (suite.get("name") or "").rpartition(":")
        assert suite.get("file")
        assert not inventory or inventory == suite.get("file")
        classname = f"sovcheck.{inventory}.{objective}" if inventory else f"sovcheck.{objective}"
        for case in cases:
            assert case.get("classname") == classname
            assert case.get("name")
            assert set(case.attrib) == {"name", "classname"}  # the schema allows no file, line
    for key, value in totals.items():
        assert root.get(key) == str(value)
    assert root.get("skipped") is None  # not allowed on <testsuites>; each suite has its own


def test_golden(hospital: Report) -> None:
    text = junit.render(hospital)
    check_junit(text)
    check_golden("formats/hospital-us-cloud.junit.xml", text)


@pytest.mark.parametrize(
    "inventory", ["inventories/hospital-us-cloud.yaml", "inventories/public-chatbot.yaml"]
)
def test_counts_parse_back(in_root: None, inventory: str) -> None:
    report = audit(inventory)
    text = junit.render(report)
    check_junit(text)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')
    root = ET.fromstring(text.encode("utf-8"))
    check_counts(root)
    fail_or_unknown = sum(1 for f in report.findings if f.status in (Status.FAIL, Status.UNKNOWN))
    assert root.get("failures") == str(fail_or_unknown)
    assert [s.get("name") for s in root.findall("testsuite")] == [o.id for o in report.objectives]


def test_hospital_cases(hospital: Report) -> None:
    root = ET.fromstring(junit.render(hospital).encode("utf-8"))
    assert root.get("failures") == "47"
    assert [s.get("skipped") for s in root.iter("testsuite")] == ["0"] * 5
    suite = root.find("testsuite[@name='data-security']")
    assert suite is not None
    assert suite.get("file") == "inventories/hospital-us-cloud.yaml"
    case = suite.find("testcase[@name='DS-001 azure-france']")
    assert case is not None
    assert case.attrib == {"name": "DS-001 azure-france", "classname": "sovcheck.data-security"}
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("type") == "fail"
    assert failure.get("message", "").startswith("restricted data reaches azure-france")
    body = failure.text or ""
    assert "path: hdh-platform → azure-france" in body
    assert "location: inventories/hospital-us-cloud.yaml:88:5" in body  # the line is in the text
    assert "remediation: Move the processing" in body
    unknown = suite.find("testcase[@name='DS-004 microsoft-authentication']/failure")
    assert unknown is not None and unknown.get("type") == "unknown"
    # DS-001 passes on one holder of the data (the HDH team): one summary case for it.
    passing = suite.find("testcase[@name='DS-001 (1 passing)']")
    assert passing is not None and len(passing) == 0
    ds001 = next(r for r in hospital.rules if r.id == "DS-001")
    assert ds001.passed == 1
    # every paid outside supplier is foreign: the spend share fails without a cost stated
    system = root.find(".//testcase[@name='EC-001 (system)']/failure")
    assert system is not None and system.get("type") == "fail"


def test_passing_summary_per_rule(hospital: Report) -> None:
    root = ET.fromstring(junit.render(hospital).encode("utf-8"))
    summaries = {
        c.get("name") for c in root.iter("testcase") if (c.get("name") or "").endswith(" passing)")
    }
    assert summaries == {f"{r.id} ({r.passed} passing)" for r in hospital.rules if r.passed > 0}


def test_include_passed_lists_passes_without_double_counting(in_root: None) -> None:
    full = audit("inventories/hospital-us-cloud.yaml", include_passed=True)
    short = audit("inventories/hospital-us-cloud.yaml")
    assert any(f.status is Status.PASS for f in full.findings)
    text = junit.render(full)
    check_junit(text)
    root_full = ET.fromstring(text.encode("utf-8"))
    root_short = ET.fromstring(junit.render(short).encode("utf-8"))
    check_counts(root_full)
    assert root_full.get("failures") == root_short.get("failures")
    passes = sum(1 for f in full.findings if f.status is Status.PASS)
    assert passes == sum(r.passed for r in full.rules)
    cases = list(root_full.iter("testcase"))
    # Every pass is its own case, so no summary case is needed.
    assert not any((c.get("name") or "").endswith(" passing)") for c in cases)
    assert sum(1 for c in cases if len(c) == 0) == passes
    assert root_full.get("tests") == str(len(full.findings))


def test_waived_is_skipped_and_escaped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "inventories" / "hospital-us-cloud.yaml").read_text() + WAIVERS
    (tmp_path / "waived.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    report = audit("waived.yaml")
    out = junit.render(report)
    check_junit(out)
    assert "&lt;see ticket 42&gt; &amp; co" in out
    root = ET.fromstring(out.encode("utf-8"))
    check_counts(root)
    assert root.find("testsuite[@name='data-security']").get("skipped") == "1"  # type: ignore[union-attr]
    assert sum(int(s.get("skipped") or 0) for s in root.iter("testsuite")) == 1
    assert root.get("failures") == "46"
    skipped = root.find(".//testcase[@name='DS-001 azure-france']/skipped")
    assert skipped is not None
    assert skipped.get("message") == "waived: Migration to a qualified offer <see ticket 42> & co"


def test_deterministic(hospital: Report) -> None:
    assert junit.render(hospital) == junit.render(hospital)


def two_inventories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Report]:
    """The hospital inventory twice in one repository, at ``a/`` and ``b/``: the same
    rules fail on the same component ids in both. Audited from ``a/``, so that paths come
    out relative to the repository root, not to the working directory."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    for sub in ("a", "b"):
        (root / sub).mkdir()
        shutil.copy(ROOT / "inventories" / "hospital-us-cloud.yaml", root / sub / "inv.yaml")
    monkeypatch.chdir(root / "a")
    return [audit("inv.yaml"), audit("../b/inv.yaml")]


def test_several_inventories_give_distinct_class_and_test_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reports = two_inventories(tmp_path, monkeypatch)
    text = junit.render_many(reports)
    check_junit(text)
    assert text == junit.render_many(reports)
    doc = ET.fromstring(text.encode("utf-8"))
    check_counts(doc)
    suites = doc.findall("testsuite")
    assert [s.get("file") for s in suites] == ["a/inv.yaml"] * 5 + ["b/inv.yaml"] * 5
    assert suites[0].get("name") == "a/inv.yaml:data-security"
    assert suites[5].get("name") == "b/inv.yaml:data-security"
    cases = list(doc.iter("testcase"))
    keys = Counter((c.get("classname"), c.get("name")) for c in cases)
    assert max(keys.values()) == 1, [k for k, n in keys.items() if n > 1]
    classes = [{c.get("classname") for c in s.iter("testcase")} for s in suites]
    assert classes[0] == {"sovcheck.a/inv.yaml.data-security"}
    assert classes[5] == {"sovcheck.b/inv.yaml.data-security"}
    # the same test names in each inventory, told apart by their class
    names = [[c.get("name") for c in s.iter("testcase")] for s in suites]
    assert names[:5] == names[5:]
    assert "DS-001 azure-france" in names[0]
    bodies = [c.findtext("failure") or "" for c in cases if c.get("name") == "DS-001 azure-france"]
    locations = [line for b in bodies for line in b.splitlines() if line.startswith("location:")]
    assert locations == ["location: a/inv.yaml:88:5", "location: b/inv.yaml:88:5"]


def test_one_inventory_keeps_short_class_names(hospital: Report) -> None:
    doc = ET.fromstring(junit.render_many([hospital]).encode("utf-8"))
    assert {c.get("classname") for c in doc.iter("testcase")} == {
        f"sovcheck.{o.id}" for o in hospital.objectives
    }
