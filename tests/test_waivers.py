"""Waivers: a waived finding stays listed; expired ones count as absent; unused ones are reported."""

from __future__ import annotations

from pathlib import Path

from sovcheck.model.report import Status
from tests.conftest import INVENTORIES, audit


def with_waivers(tmp_path: Path, waivers: str) -> Path:
    text = (INVENTORIES / "hospital-us-cloud.yaml").read_text(encoding="utf-8")
    assert "\nwaivers:" not in text
    path = tmp_path / "hospital.yaml"
    path.write_text(text.rstrip("\n") + "\nwaivers:\n" + waivers, encoding="utf-8")
    return path


def ds(report):
    return next(o for o in report.objectives if o.id == "data-security")


def test_active_waiver_keeps_the_finding_listed_and_reports_both_scores(tmp_path):
    base = audit(INVENTORIES / "hospital-us-cloud.yaml")
    path = with_waivers(
        tmp_path,
        (
            "  - rule: DS-005\n    component: azure-france\n"
            "    reason: Qualification audit booked; ticket 42\n    expires: 2027-03-31\n"
        ),
    )
    report = audit(path)
    [f] = [f for f in report.findings if f.rule == "DS-005" and f.component == "azure-france"]
    assert f.status is Status.WAIVED and f.waived
    assert f.status_without_waiver is Status.FAIL
    assert f.waiver_reason == "Qualification audit booked; ticket 42"
    assert ds(report).score > ds(base).score
    assert ds(report).raw_score == ds(base).score
    assert [w.status for w in report.waivers] == ["active"]


def test_expired_waiver_counts_as_absent_and_is_reported(tmp_path):
    base = audit(INVENTORIES / "hospital-us-cloud.yaml")
    path = with_waivers(
        tmp_path,
        (
            "  - rule: DS-005\n    component: azure-france\n    reason: old\n    expires: 2026-01-31\n"
        ),
    )
    report = audit(path)
    [f] = [f for f in report.findings if f.rule == "DS-005" and f.component == "azure-france"]
    assert f.status is Status.FAIL and not f.waived
    assert ds(report).score == ds(base).score
    assert report.overall.passed is base.overall.passed
    assert [(w.status, w.matched) for w in report.waivers] == [("expired", 0)]


def test_waiver_matching_nothing_is_unused(tmp_path):
    path = with_waivers(
        tmp_path, ("  - rule: TI-001\n    reason: no chips here\n    expires: 2027-01-01\n")
    )
    report = audit(path)
    assert [(w.rule, w.status) for w in report.waivers] == [("TI-001", "unused")]


def test_waiver_without_component_covers_the_whole_inventory(tmp_path):
    path = with_waivers(tmp_path, "  - rule: EC-002\n    reason: r\n    expires: 2027-01-01\n")
    report = audit(path)
    ec = [f for f in report.findings if f.rule == "EC-002"]
    assert ec and all(f.status is Status.WAIVED for f in ec)
    assert report.waivers[0].matched == len(ec)


def test_a_finding_takes_the_first_active_waiver_that_covers_it(tmp_path):
    def waiver(reason: str, expires: str, component: str | None = None) -> str:
        named = f"    component: {component}\n" if component else ""
        return f"  - rule: DS-005\n{named}    reason: {reason}\n    expires: {expires}\n"

    path = with_waivers(
        tmp_path,
        waiver("expired", "2026-01-31", "azure-france")
        + waiver("whole rule", "2027-03-31")
        + waiver("named, but later", "2027-03-31", "azure-france")
        + waiver("named, other", "2027-03-31", "microsoft-authentication"),
    )
    report = audit(path)
    reasons = {f.component: f.waiver_reason for f in report.findings if f.rule == "DS-005"}
    assert reasons == {"azure-france": "whole rule", "microsoft-authentication": "whole rule"}
    assert [(w.status, w.matched) for w in report.waivers] == [
        ("expired", 0),
        ("active", 2),
        ("unused", 0),
        ("unused", 0),
    ]


def test_a_waiver_naming_the_component_first_wins_over_a_later_rule_wide_one(tmp_path):
    path = with_waivers(
        tmp_path,
        "  - rule: DS-005\n    component: azure-france\n    reason: named\n    expires: 2027-03-31\n"
        "  - rule: DS-005\n    reason: whole rule\n    expires: 2027-03-31\n",
    )
    report = audit(path)
    reasons = {f.component: f.waiver_reason for f in report.findings if f.rule == "DS-005"}
    assert reasons == {"azure-france": "named", "microsoft-authentication": "whole rule"}
    assert [w.matched for w in report.waivers] == [1, 1]
