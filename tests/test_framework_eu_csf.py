"""The EU Cloud Sovereignty Framework (v1.2.1) as its text scores it: per-objective SEALs from
the contributing factors, the award score, and the contracting authority's floor."""

from __future__ import annotations

import json
from pathlib import Path

from sovcheck.load.rubric import load_rubric
from sovcheck.model.report import Report, Status
from sovcheck.scoring import level_score
from tests.conftest import audit

RUBRIC = "eu-csf"
HEAD = "sovcheck: 1\nsystem: {name: S, home: FR, trusted: [EU], classification: restricted, entrypoints: [app]}\n"


def _audit(tmp_path: Path, components: str) -> Report:
    path = tmp_path / "inventory.yaml"
    path.write_text(HEAD + "components:\n" + components, encoding="utf-8")
    return audit(path, RUBRIC, include_passed=True)


def _seal(report: Report, objective: str) -> tuple[int, str, bool]:
    o = next(o for o in report.objectives if o.id == objective)
    return o.level, o.level_name, o.assessed


def test_the_published_safespring_self_assessment_comes_out_at_86_25() -> None:
    """Safespring published SEALs 4, 4, 4, 4, 2, 3, 4, 4 for SOV-1 to SOV-8 and a total of
    86.25 % (blog post of 6 November 2025); the framework's weights give that figure."""
    rubric = load_rubric(RUBRIC).rubric
    assert [o.weight for o in rubric.objectives] == [15, 10, 10, 15, 20, 15, 10, 5]
    seals = dict(zip([o.id for o in rubric.objectives], [4, 4, 4, 4, 2, 3, 4, 4], strict=True))
    assert level_score(rubric, seals) == 86.25
    # an objective with no SEAL earns nothing
    assert level_score(rubric, {**seals, "sov-8": None}) == 81.25


def test_a_french_provider_without_a_sovereignty_qualification_is_seal_3_not_seal_1(
    tmp_path: Path,
) -> None:
    report = _audit(
        tmp_path,
        "  - {id: app, kind: application, name: App, runs_on: [cloud]}\n"
        "  - {id: cloud, kind: cloud, name: Scaleway, supplier: scaleway, location: [FR], certifications: [hds]}\n",
    )
    qualification = next(f for f in report.findings if f.rule == "CSF-702")
    assert qualification.status is Status.FAIL
    # EU-controlled, certified HDS (confirmed), not qualified: meaningful but not full EU assurance
    assert _seal(report, "sov-7") == (3, "SEAL-3 Digital resilience", True)


def test_exclusive_non_eu_control_is_seal_0(tmp_path: Path) -> None:
    report = _audit(
        tmp_path,
        "  - {id: app, kind: application, name: App, runs_on: [cloud]}\n"
        "  - {id: cloud, kind: cloud, name: US cloud, supplier: microsoft, location: [US]}\n",
    )
    assert _seal(report, "sov-1")[0] == 0


def test_unknown_evidence_earns_no_seal_2(tmp_path: Path) -> None:
    # a provider whose holders are not recorded: the factor stays unknown, SOV-1 at SEAL-1
    path = tmp_path / "inventory.yaml"
    path.write_text(
        HEAD + "organizations:\n  - {id: frcloud, name: French Cloud, country: FR}\n"
        "components:\n"
        "  - {id: app, kind: application, name: App, runs_on: [cloud]}\n"
        "  - {id: cloud, kind: cloud, name: Cloud, supplier: frcloud, location: [FR]}\n",
        encoding="utf-8",
    )
    report = audit(path, RUBRIC, include_passed=True)
    holdings = next(f for f in report.findings if f.rule == "CSF-103")
    assert holdings.status is Status.UNKNOWN
    assert _seal(report, "sov-1")[0] == 1


def test_an_objective_with_nothing_assessed_earns_no_seal(tmp_path: Path) -> None:
    report = _audit(
        tmp_path,
        "  - {id: app, kind: application, name: App, runs_on: [cloud]}\n"
        "  - {id: cloud, kind: cloud, name: Cloud, supplier: ovhcloud, location: [FR]}\n",
    )
    # no energy supply and no data centre described: SOV-8 is not assessed, not SEAL-4
    assert _seal(report, "sov-8") == (0, "Not assessed", False)


def test_leaving_the_hardware_out_earns_nothing(tmp_path: Path) -> None:
    report = _audit(
        tmp_path,
        "  - {id: app, kind: application, name: App, runs_on: [cloud], uses: [model]}\n"
        "  - {id: model, kind: model, name: Model, supplier: mistral-ai, weights: open, runs_on: [cloud]}\n"
        "  - {id: cloud, kind: cloud, name: Cloud, supplier: ovhcloud, location: [FR]}\n",
    )
    hardware = next(f for f in report.findings if f.rule == "CSF-506")
    assert hardware.status is Status.UNKNOWN
    host = next(f for f in report.findings if f.rule == "CSF-507" and f.component == "cloud")
    assert host.status is Status.UNKNOWN
    assert _seal(report, "sov-5")[0] <= 1


def test_the_award_score_is_the_overall_score() -> None:
    report = audit("inventories/hospital-trusted-cloud.yaml", RUBRIC)
    rubric = load_rubric(RUBRIC).rubric
    levels = {o.id: o.level if o.assessed else None for o in report.objectives}
    assert report.overall.score == level_score(rubric, levels)


def test_the_contracting_authoritys_floor_is_a_gate(cli) -> None:
    inv = "inventories/trusted-cloud-jv.yaml"
    none = cli("audit", inv, "--rubric", RUBRIC, "--format", "json", "--today", "2026-11-23")
    assert none.code == 0  # the framework sets no floor of its own
    assert json.loads(none.out)["gates"] == []
    met = cli("audit", inv, "--rubric", RUBRIC, "--min-seal", "SOV-3=4", "--format", "json")
    assert met.code == 0
    gate = json.loads(met.out)["gates"][0]
    assert (gate["id"], gate["threshold"], gate["actual"], gate["passed"]) == (
        "level:sov-3",
        4,
        4,
        True,
    )
    missed = cli(
        "audit", inv, "--rubric", RUBRIC, "--min-seal", "SOV-2=3", "--min-seal", "sov-3=SEAL-4"
    )
    assert missed.code == 1
    bad = cli("audit", inv, "--rubric", RUBRIC, "--min-seal", "SOV-2=5")
    assert bad.code == 2 and "'5' is not a level of rubric eu-csf" in bad.err
