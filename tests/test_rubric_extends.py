"""A rubric that extends another, and the sector rubrics built that way."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovcheck.errors import InputError
from sovcheck.load.rubric import load_rubric
from sovcheck.model.report import Status
from tests.conftest import INVENTORIES, audit

CHILD = """\
rubric: 1
id: stricter
version: "1"
title: Stricter
extends: {parent}
unknown_credit: 0
drop: [IN-004]
rules:
  - id: DS-003
    objective: data-security
    title: Public data stays home too
    severity: high
    weight: 3
    applies_to: {{fact: handles, equals: public}}
    check: {{fact: control, in: [home, trusted]}}
    message: "public data reaches {{id}} under {{controlled_from}} control"
    rationale: Even public data.
    remediation: Keep it home.
    references: ["house rule"]
  - id: X-001
    objective: inclusion
    title: Applications state their languages
    severity: low
    weight: 1
    applies_to: {{fact: kind, equals: application}}
    check: {{fact: languages, known: true}}
    message: "{{id}} does not state its languages"
    rationale: To know.
    remediation: State them.
    references: ["house rule"]
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_child_inherits_replaces_drops_and_adds(tmp_path: Path) -> None:
    child = load_rubric(str(_write(tmp_path, "child.yaml", CHILD.format(parent="default"))))
    parent = load_rubric("default")
    ids = [c.rule.id for c in child.rules]
    parent_ids = [c.rule.id for c in parent.rules]
    # the parent's order, with the replaced rule in place, the dropped one gone, the new last
    assert ids == [i for i in parent_ids if i != "IN-004"] + ["X-001"]
    ds003 = next(c.rule for c in child.rules if c.rule.id == "DS-003")
    assert ds003.severity.value == "high" and ds003.title == "Public data stays home too"
    # settings the child gives win; the others are inherited
    assert child.rubric.unknown_credit == 0
    assert child.rubric.objectives == parent.rubric.objectives
    assert child.rubric.levels == parent.rubric.levels
    assert child.rubric.overall_level == parent.rubric.overall_level
    # the digest covers the parent too
    assert child.sha256 != child.document.sha256


def test_a_child_extends_a_file_next_to_it(tmp_path: Path) -> None:
    base = (Path(__file__).resolve().parents[1] / "rubrics" / "default.yaml").read_text()
    _write(tmp_path, "base.yaml", base.replace("id: default", "id: base"))
    child = load_rubric(str(_write(tmp_path, "child.yaml", CHILD.format(parent="base.yaml"))))
    assert "X-001" in [c.rule.id for c in child.rules]


def test_a_bad_drop_and_a_loop_are_positioned_errors(tmp_path: Path) -> None:
    bad = CHILD.format(parent="default").replace("drop: [IN-004]", "drop: [IN-404]")
    with pytest.raises(InputError) as exc:
        load_rubric(str(_write(tmp_path, "bad.yaml", bad)))
    assert "drop: rubric default has no rule 'IN-404' (did you mean 'IN-004'?)" in str(
        exc.value.problems[0].message
    )
    assert exc.value.problems[0].location.line == 7
    _write(tmp_path, "a.yaml", CHILD.format(parent="b.yaml").replace("id: stricter", "id: a"))
    _write(tmp_path, "b.yaml", CHILD.format(parent="a.yaml").replace("id: stricter", "id: b"))
    with pytest.raises(InputError, match="rubrics extend each other in a loop"):
        load_rubric(str(tmp_path / "a.yaml"))


def test_a_rubric_without_extends_needs_its_own_rules(tmp_path: Path) -> None:
    text = 'rubric: 1\nid: empty\nversion: "1"\ntitle: Empty\n'
    with pytest.raises(InputError, match="a rubric needs objectives"):
        load_rubric(str(_write(tmp_path, "empty.yaml", text)))


def _status(report, rule: str, component: str) -> Status:
    return next(f.status for f in report.findings if f.rule == rule and f.component == component)


def test_health_fr_asks_the_health_data_hubs_host_for_secnumcloud_as_well_as_hds() -> None:
    us = audit(INVENTORIES / "hospital-us-cloud.yaml", "health-fr")
    assert _status(us, "HFR-002", "azure-france") is Status.FAIL
    trusted = audit(INVENTORIES / "hospital-trusted-cloud.yaml", "health-fr", include_passed=True)
    # Scaleway: HDS confirmed, SecNumCloud only at milestone J0
    assert _status(trusted, "LV-008", "scaleway-cloud") is Status.PASS
    assert _status(trusted, "HFR-001", "scaleway-cloud") is Status.PASS
    assert _status(trusted, "HFR-002", "scaleway-cloud") is Status.FAIL
    severity = next(f.severity for f in trusted.findings if f.rule == "LV-008")
    assert severity.value == "critical"


def test_classified_fr_on_the_defence_system() -> None:
    report = audit(INVENTORIES / "defence-airgapped.yaml", "classified-fr", include_passed=True)
    accreditation = next(f for f in report.findings if f.rule == "DS-010")
    assert (accreditation.status, accreditation.severity.value) == (Status.UNKNOWN, "critical")
    assert _status(report, "CLS-001", "amiad-team") is Status.PASS  # cleared secret
    assert _status(report, "CLS-002", "hpe-asgard-hardware") is Status.PASS  # offline supply
    assert _status(report, "CLS-003", "mistral-model") is Status.PASS  # licensed, French
    assert _status(report, "DS-008", "mont-valerien-dc") is Status.UNKNOWN  # not stated
