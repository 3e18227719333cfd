"""GitLab Code Quality report: the fields GitLab reads, each issue checked against the
schema GitLab validates it with (tests/data/gitlab-codeclimate.json, in check_codequality)."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from sovcheck.formats import OutputFormat, codequality, render_reports
from sovcheck.model.report import Report, Status
from sovcheck.model.rubric import Severity
from tests.conftest import (
    INVENTORIES,
    ROOT,
    Result,
    audit,
    check_codequality,
    gitlab_codequality_validator,
)

SMALL = """\
sovcheck: 1
system: {name: Small, home: FR, trusted: [EU], classification: restricted, entrypoints: [app]}
components:
  - {id: app, kind: application, name: App, supplier: french-state, runs_on: [cloud], languages: [fr], accessibility: [rgaa], license: EUPL-1.2, maintained_by: [ops], annual_cost_eur: 0, audiences: [internal]}
  - {id: ops, kind: team, name: Ops, supplier: french-state, location: [FR], maintainers: {app: 2, cloud: 2}, reserve: {people: 2, cleared: true}}
  - {id: cloud, kind: cloud, name: Cloud, supplier: microsoft, location: [FR], maintained_by: [ops], annual_cost_eur: 1000}
waivers:
  - rule: TI-006
    component: cloud
    reason: "accepted until the move"
    expires: 2027-03-31
"""

# Seven findings need attention (one waived is left out; passes never come): sorted by line,
# then check name.
SMALL_REPORT = """\
[
  {
    "description": "EC-001: 100 % of annual spend on outside suppliers goes outside the trusted area",
    "check_name": "sovcheck/EC-001",
    "fingerprint": "011c668e4335108a24a4ebde2bddd7c144e836dea3d42128563351123b9f4abf",
    "severity": "critical",
    "location": {
      "path": "inventories/small.yaml",
      "lines": {
        "begin": 2
      }
    }
  },
  {
    "description": "TI-008: app depends on a component a foreign decision can cut off: app -> cloud. Path: app → cloud",
    "check_name": "sovcheck/TI-008",
    "fingerprint": "3aa997caf1c21b3673b67d776adda0d997ebc45c9a3fcca10b8326bd806d83ab",
    "severity": "critical",
    "location": {
      "path": "inventories/small.yaml",
      "lines": {
        "begin": 4
      }
    }
  },
  {
    "description": "DS-001: restricted data reaches cloud, held by microsoft under US control (CLOUD Act, EO 12333, FISA §702). Path: app → cloud",
    "check_name": "sovcheck/DS-001",
    "fingerprint": "fa293c3c549008a8898058c70475b9c728888118278cc77fb3bc3bc1cd181588",
    "severity": "blocker",
    "location": {
      "path": "inventories/small.yaml",
      "lines": {
        "begin": 6
      }
    }
  },
  {
    "description": "DS-005: unknown, not a confirmed failure: cloud hosts restricted data; its qualification is claimed but not confirmed (unknown): which certifications or qualifications does it hold? (state `certifications`). Path: app → cloud",
    "check_name": "sovcheck/DS-005",
    "fingerprint": "0f4106e0285b0d85b43facb484f827ec301840bce00c05e73a06789949e4c408",
    "severity": "major",
    "location": {
      "path": "inventories/small.yaml",
      "lines": {
        "begin": 6
      }
    }
  },
  {
    "description": "DS-011: unknown, not a confirmed failure: restricted data is held at cloud; its Gaia-X credential is not stated: which Gaia-X credential does it hold (level, the credential, its dates)? (state `gaia_x`). Path: app → cloud",
    "check_name": "sovcheck/DS-011",
    "fingerprint": "1f4f746cc28a0b0ee4edd4f51c9ec73f549bdbf22b8b35bfce40cfa32900f3dd",
    "severity": "info",
    "location": {
      "path": "inventories/small.yaml",
      "lines": {
        "begin": 6
      }
    }
  },
  {
    "description": "EC-004: critical component cloud is supplied under US control. Path: app → cloud",
    "check_name": "sovcheck/EC-004",
    "fingerprint": "2821fd5f2ade7da29fa5d57d55b03b6aa4af3a107edeba54d849f7d6ecef2986",
    "severity": "major",
    "location": {
      "path": "inventories/small.yaml",
      "lines": {
        "begin": 6
      }
    }
  },
  {
    "description": "TI-013: unknown, not a confirmed failure: cloud is critical; whether it holds a Gaia-X credential is not stated: which Gaia-X credential does it hold (level, the credential, its dates)? (state `gaia_x`). Path: app → cloud",
    "check_name": "sovcheck/TI-013",
    "fingerprint": "7f2b9abc60157f8fab7121bd656b229958e696a5cc6e0bf22758a0a265cd32bc",
    "severity": "info",
    "location": {
      "path": "inventories/small.yaml",
      "lines": {
        "begin": 6
      }
    }
  }
]
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with the small inventory in inventories/, the audit run from there."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "inventories").mkdir()
    (tmp_path / "inventories" / "small.yaml").write_text(SMALL, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "inventories")
    return tmp_path


def test_exact_report_of_a_small_inventory(repo: Path) -> None:
    report = audit("small.yaml", include_passed=True)
    assert {f.status for f in report.findings} == {
        Status.FAIL,
        Status.UNKNOWN,
        Status.WAIVED,
        Status.PASS,
    }
    text = codequality.render(report)
    check_codequality(text)
    assert text == SMALL_REPORT
    assert "\\u" not in text  # UTF-8: "→" and "§" as themselves, not escaped
    # the waived finding is left out (GitLab cannot show it as suppressed), so are passes
    assert "TI-006" not in text
    assert codequality.render(audit("small.yaml")) == text


def test_the_fingerprint_is_rule_component_and_inventory(repo: Path) -> None:
    issues = check_codequality(codequality.render(audit("small.yaml")))
    ds001 = next(i for i in issues if i["check_name"] == "sovcheck/DS-001")
    key = b"DS-001\0cloud\0inventories/small.yaml"
    assert ds001["fingerprint"] == hashlib.sha256(key).hexdigest()
    ec001 = next(i for i in issues if i["check_name"] == "sovcheck/EC-001")
    key = b"EC-001\0(system)\0inventories/small.yaml"
    assert ec001["fingerprint"] == hashlib.sha256(key).hexdigest()


def test_fingerprints_survive_an_edit_that_moves_the_lines(repo: Path) -> None:
    before = check_codequality(codequality.render(audit("small.yaml")))
    path = repo / "inventories" / "small.yaml"
    path.write_text("# moved down by a comment\n" + SMALL, encoding="utf-8")
    after = check_codequality(codequality.render(audit("small.yaml")))
    assert [i["fingerprint"] for i in after] == [i["fingerprint"] for i in before]
    lines = [
        (i["location"]["lines"]["begin"], j["location"]["lines"]["begin"])
        for i, j in zip(before, after, strict=True)
    ]
    assert all(b == a + 1 for a, b in lines)


def test_fingerprints_are_unique_over_every_shipped_inventory(in_root: None) -> None:
    reports = [audit(p) for p in sorted(INVENTORIES.glob("*.yaml"))]
    issues = check_codequality(codequality.render_many(reports))
    expected = sum(
        1 for r in reports for f in r.findings if f.status in (Status.FAIL, Status.UNKNOWN)
    )
    assert len(issues) == expected
    assert {i["location"]["path"] for i in issues} == {
        p.relative_to(ROOT).as_posix() for p in INVENTORIES.glob("*.yaml")
    }


@pytest.mark.parametrize(
    ("severity", "fail", "unknown"),
    [
        (Severity.CRITICAL, "blocker", "critical"),
        (Severity.HIGH, "critical", "major"),
        (Severity.MEDIUM, "major", "minor"),
        (Severity.LOW, "minor", "info"),
        (Severity.INFO, "info", "info"),
    ],
)
def test_severity_mapping(hospital: Report, severity: Severity, fail: str, unknown: str) -> None:
    finding = hospital.findings[0]
    as_failure = finding.model_copy(update={"severity": severity, "status": Status.FAIL})
    as_unknown = finding.model_copy(update={"severity": severity, "status": Status.UNKNOWN})
    assert codequality.severity(as_failure) == fail
    assert codequality.severity(as_unknown) == unknown
    # and in the report itself
    report = hospital.model_copy(update={"findings": (as_failure,)})
    [issue] = check_codequality(codequality.render(report))
    assert issue["severity"] == fail


def test_the_shipped_inventories_use_the_scale(in_root: None) -> None:
    issues = check_codequality(codequality.render(audit("inventories/hospital-us-cloud.yaml")))
    # "info": low-severity unknowns, such as DS-011's Gaia-X credentials not stated
    assert {i["severity"] for i in issues} == {"blocker", "critical", "major", "minor", "info"}


def test_nothing_to_report_is_an_empty_array(hospital: Report) -> None:
    passed = hospital.model_copy(update={"findings": ()})
    assert codequality.render(passed) == "[]\n"
    assert codequality.render_many([]) == "[]\n"


def two_inventories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Report]:
    """The hospital inventory twice in one repository, at a/ and b/ (the same rules fail on
    the same component ids), audited from a/."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    for sub in ("a", "b"):
        (root / sub).mkdir()
        shutil.copy(INVENTORIES / "hospital-us-cloud.yaml", root / sub / "inv.yaml")
    monkeypatch.chdir(root / "a")
    return [audit("inv.yaml"), audit("../b/inv.yaml")]


def test_several_inventories_give_one_array(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = two_inventories(tmp_path, monkeypatch)
    one = check_codequality(codequality.render(a))
    text = render_reports(OutputFormat.CODEQUALITY, [b, a], many=True)
    both = check_codequality(text)
    assert text == codequality.render_many([a, b])  # sorted: the order of audits is no matter
    assert len(both) == 2 * len(one)
    assert [i["location"]["path"] for i in both] == ["a/inv.yaml"] * len(one) + [
        "b/inv.yaml"
    ] * len(one)
    # the same checks on the same lines, told apart by the fingerprint
    strip = [{k: v for k, v in i.items() if k not in ("fingerprint", "location")} for i in both]
    assert strip[: len(one)] == strip[len(one) :]
    # an inventory named twice gives its issues once
    assert codequality.render_many([a, a]) == codequality.render(a)


def test_the_command_line_writes_it(cli: Callable[..., Result], tmp_path: Path) -> None:
    hospital = "inventories/hospital-us-cloud.yaml"
    out = tmp_path / "gl-code-quality-report.json"
    result = cli("audit", hospital, "--today", "2026-11-23", "--format", "codequality")
    assert result.code == 1
    assert check_codequality(result.out)
    other = cli(
        "audit",
        hospital,
        "--today",
        "2026-11-23",
        "--output-format",
        f"codequality={out}",
    )
    assert other.code == 1 and "Verdict: FAIL" in other.out
    assert out.read_text(encoding="utf-8") == result.out


def test_gitlabs_schema_refuses_what_gitlab_would_drop() -> None:
    """The schema does check something: GitLab stops reading a file at such an issue."""
    good = json.loads(SMALL_REPORT)[0]
    assert gitlab_codequality_validator().is_valid(good)
    no_fingerprint = {k: v for k, v in good.items() if k != "fingerprint"}
    line_as_text = {**good, "location": {"path": "x.yaml", "lines": {"begin": "6"}}}
    for bad in (no_fingerprint, line_as_text):
        assert not gitlab_codequality_validator().is_valid(bad)
