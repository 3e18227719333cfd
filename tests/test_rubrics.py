"""The shipped rubrics: they load, cite their sources, and reach the verdicts their texts call for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sovcheck.catalog import builtin_catalog
from sovcheck.load.rubric import LoadedRubric, load_rubric, shipped_rubrics
from sovcheck.model.report import Finding, ObjectiveResult, Report, Status
from tests.conftest import INVENTORIES, audit

RUBRICS = shipped_rubrics()
REFERENCE_INVENTORIES = sorted(INVENTORIES.glob("*.yaml"))


def test_the_issue_s_rubrics_are_shipped() -> None:
    assert {"default", "secnumcloud", "eu-csf"} <= set(RUBRICS)


@pytest.mark.parametrize("name", RUBRICS)
def test_every_shipped_rubric_loads_and_every_rule_has_a_reference(name: str) -> None:
    loaded = load_rubric(name)
    assert loaded.rubric.id == name
    objectives = {o.id for o in loaded.rubric.objectives}
    for compiled in loaded.rules:
        rule = compiled.rule
        assert rule.references, f"{rule.id} has no reference"
        assert all(ref.strip() for ref in rule.references), rule.id
        assert rule.objective in objectives
        assert rule.rationale.strip() and rule.remediation.strip(), rule.id
    # every objective is checked by at least one rule
    assert objectives == {c.rule.objective for c in loaded.rules}


def test_eu_csf_objectives_carry_the_framework_weights() -> None:
    rubric = load_rubric("eu-csf").rubric
    assert [(o.id, o.weight) for o in rubric.objectives] == [
        ("sov-1", 15),
        ("sov-2", 10),
        ("sov-3", 10),
        ("sov-4", 15),
        ("sov-5", 20),
        ("sov-6", 15),
        ("sov-7", 10),
        ("sov-8", 5),
    ]
    assert rubric.overall_level == "lowest"
    assert [lv.name.split()[0] for lv in rubric.levels] == [f"SEAL-{n}" for n in range(5)]


def test_eu_csf_has_at_least_two_rules_per_objective_and_cites_each_objective() -> None:
    loaded = load_rubric("eu-csf")
    for objective in loaded.rubric.objectives:
        rules = [c.rule for c in loaded.rules if c.rule.objective == objective.id]
        assert len(rules) >= 2, objective.id
        label = objective.id.upper()  # sov-3 -> SOV-3
        for rule in rules:
            assert any(label in ref for ref in rule.references), f"{rule.id} does not cite {label}"


def test_secnumcloud_rules_cite_the_referential_sections() -> None:
    loaded = load_rubric("secnumcloud")
    for compiled in loaded.rules:
        rule = compiled.rule
        assert rule.id.startswith("SNC-")
        assert all(ref.startswith("SecNumCloud 3.2") for ref in rule.references), rule.id
    cited = {ref for c in loaded.rules for ref in c.rule.references}
    assert {
        "SecNumCloud 3.2 §19.6 a)",
        "SecNumCloud 3.2 §19.6 b)",
        "SecNumCloud 3.2 §19.6 c)",
    } <= cited
    assert {
        "SecNumCloud 3.2 §19.2 a)",
        "SecNumCloud 3.2 §19.2 b)",
        "SecNumCloud 3.2 §19.2 c)",
    } <= cited


def _country_lists(condition: Any) -> list[frozenset[str]]:
    """Operand lists of controlled_from / effective_location predicates, at any depth."""
    found: list[frozenset[str]] = []
    if isinstance(condition, dict):
        if condition.get("fact") in ("controlled_from", "effective_location"):
            for op in ("subset_of", "intersects"):
                if op in condition:
                    found.append(frozenset(condition[op]))
        for value in condition.values():
            found.extend(_country_lists(value))
    elif isinstance(condition, list):
        for item in condition:
            found.extend(_country_lists(item))
    return found


@pytest.mark.parametrize("name", ["secnumcloud", "eu-csf"])
def test_eu_written_out_in_rules_is_the_catalog_s_eu(name: str) -> None:
    eu = builtin_catalog().group_members["EU"]
    loaded = load_rubric(name)
    lists = [
        countries
        for c in loaded.rules
        for part in (c.rule.applies_to, c.rule.check)
        for countries in _country_lists(part)
    ]
    assert lists
    assert all(countries == eu for countries in lists)


@pytest.fixture(scope="module")
def loaded_rubrics() -> dict[str, LoadedRubric]:
    return {name: load_rubric(name) for name in RUBRICS}


@pytest.mark.parametrize("rubric", RUBRICS)
@pytest.mark.parametrize("inventory", REFERENCE_INVENTORIES, ids=lambda p: p.stem)
def test_every_reference_inventory_audits_under_every_rubric(inventory: Path, rubric: str) -> None:
    report = audit(inventory, rubric)
    assert report.rubric.id == rubric
    assert {o.id for o in report.objectives} == {
        o.id for o in load_rubric(rubric).rubric.objectives
    }
    # gates are evaluated: one per objective threshold, each with a verdict
    thresholds = [o for o in load_rubric(rubric).rubric.objectives if o.threshold is not None]
    assert len([g for g in report.gates if g.kind == "objective"]) == len(thresholds)
    # a rubric with no gate of its own (eu-csf: the contracting authority sets the floor)
    # evaluates none unless the command line gives one
    assert bool(report.gates) == bool(thresholds)
    assert report.overall.passed == all(g.passed for g in report.gates)
    loaded = load_rubric(rubric).rubric
    if loaded.overall_level == "lowest":
        assert report.overall.level == min(o.level for o in report.objectives)
    else:
        # the level of the overall score, capped by the worst failing severity
        failing = [f.severity.rank for f in report.findings if f.status is Status.FAIL]
        allowed = [
            lv.level
            for lv in loaded.levels
            if report.overall.score + 1e-9 >= lv.min_score
            and (
                lv.max_failing_severity is None
                or not failing
                or max(failing) <= lv.max_failing_severity.rank
            )
        ]
        assert report.overall.level == max(allowed)


def findings(report: Report, rule: str) -> dict[str | None, Finding]:
    return {f.component: f for f in report.findings if f.rule == rule}


def objective(report: Report, objective_id: str) -> ObjectiveResult:
    return next(o for o in report.objectives if o.id == objective_id)


def test_eu_csf_seal_is_the_lowest_objective_seal() -> None:
    us = audit(INVENTORIES / "hospital-us-cloud.yaml", "eu-csf")
    # Microsoft authentication is operated from the US only: exclusive non-EU control
    auth = findings(us, "CSF-101")["microsoft-authentication"]
    assert auth.status is Status.FAIL
    assert objective(us, "sov-1").level_name == "SEAL-0 No sovereignty"
    assert us.overall.level_name == "SEAL-0 No sovereignty"
    # Azure through Microsoft Ireland: EU law applies in form, the US parent's law reaches the data
    assert findings(us, "CSF-101").get("azure-france") is None
    laws = findings(us, "CSF-201")["azure-france"]
    assert laws.status is Status.FAIL
    assert laws.message == (
        "restricted data reaches azure-france, whose control chain (IE, US) is subject to "
        "CLOUD Act, EO 12333, FISA §702"
    )
    assert objective(us, "sov-2").level_name == "SEAL-1 Jurisdictional sovereignty"

    trusted = audit(INVENTORIES / "hospital-trusted-cloud.yaml", "eu-csf")
    assert trusted.overall.level > us.overall.level
    assert trusted.overall.score > us.overall.score
