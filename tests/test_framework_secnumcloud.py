"""SecNumCloud 3.2 chapter 19 as its text defines it: who it binds, §19.6 a) to d), §19.3."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovcheck.model.report import Finding, Report, Status
from tests.conftest import INVENTORIES, audit

RUBRIC = "secnumcloud"
HEAD = (
    "sovcheck: 1\n"
    "system: {name: S, home: FR, trusted: [EU], classification: restricted, entrypoints: [app]}\n"
)


def _audit(tmp_path: Path, body: str) -> Report:
    path = tmp_path / "inventory.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    return audit(path, RUBRIC, include_passed=True)


def findings(report: Report, rule: str) -> dict[str | None, Finding]:
    return {f.component: f for f in report.findings if f.rule == rule}


def objective(report: Report, objective_id: str):
    return next(o for o in report.objectives if o.id == objective_id)


def test_azure_through_microsoft_ireland_meets_a_and_fails_b() -> None:
    report = audit(INVENTORIES / "hospital-us-cloud.yaml", RUBRIC)
    # §19.6 a) is about the provider's own seat: Microsoft Ireland is in the EU
    assert "azure-france" not in findings(report, "SNC-001")
    # §19.6 b): its US parent holds it, indirectly, far beyond 24 %
    b = findings(report, "SNC-002")["azure-france"]
    assert (b.status, b.severity.value) == (Status.FAIL, "critical")
    assert b.message.startswith(
        "azure-france's provider microsoft-ireland is controlled through a chain reaching IE, US"
    )
    # the authentication service is offered by Microsoft Corporation itself
    assert findings(report, "SNC-001")["microsoft-authentication"].status is Status.FAIL
    # US administrators of a US company: §19.2 c) and §19.6 c)
    assert findings(report, "SNC-004")["microsoft-admins"].status is Status.FAIL
    assert findings(report, "SNC-005")["microsoft-admins"].status is Status.FAIL
    assert findings(report, "SNC-008")["azure-france"].status is Status.FAIL  # HDS is not SNC
    assert objective(report, "establishment").level_name == "Not eligible"
    assert report.overall.level_name == "Not eligible" and not report.overall.passed


def test_s3ns_is_eligible_on_establishment_and_qualification_and_the_google_stack_is_the_open_question() -> (
    None
):
    report = audit(INVENTORIES / "trusted-cloud-jv.yaml", RUBRIC, include_passed=True)
    for rule in ("SNC-001", "SNC-002", "SNC-003", "SNC-006", "SNC-008"):
        assert findings(report, rule)["premi3ns"].status is Status.PASS, rule
    assert findings(report, "SNC-003")["premi3ns"].message == (
        "premi3ns's provider is held from outside the EU within the §19.6 b) limits: at most "
        "10 % in all, the largest at most 10 %"
    )
    assert objective(report, "establishment").level_name == "Eligible on the evidence"
    assert objective(report, "qualification").level_name == "Eligible on the evidence"
    # §19.6 c) and d) for the Google software the platform runs: not public, so unknown
    access = findings(report, "SNC-009")["google-cloud-stack"]
    autonomy = findings(report, "SNC-010")["google-cloud-stack"]
    assert access.status is Status.UNKNOWN and access.unknown_fields == ("supplier_data_access",)
    assert autonomy.status is Status.UNKNOWN
    assert objective(report, "technical-access").level_name == "Eligibility not established"
    assert not [f for f in report.findings if f.status is Status.FAIL]
    assert report.overall.level_name == "Eligibility not established"


CLOUD = """\
organizations:
  - id: frcloud
    name: French Cloud SAS
    country: FR
    holders: [{holders}]
components:
  - {{id: app, kind: application, name: App, runs_on: [cloud]}}
  - {{id: cloud, kind: cloud, name: Cloud, supplier: frcloud, location: [FR], languages: [fr]}}
"""


@pytest.mark.parametrize(
    ("holders", "status"),
    [
        ('{holder: "Fund", country: US, share: 0.24}', Status.PASS),  # "pas à plus de 24 %"
        ('{holder: "Fund", country: US, share: 0.241}', Status.FAIL),
        (
            '{holder: "A", country: US, share: 0.2}, {holder: "B", country: CH, share: 0.19}',
            Status.PASS,  # 39 % together is allowed
        ),
        (
            '{holder: "A", country: US, share: 0.2}, {holder: "B", country: CH, share: 0.2}',
            Status.FAIL,  # 40 % together is not, though each is below 24 %
        ),
        ('{holder: "A", country: DE, share: 0.6}', Status.PASS),  # EU holders are not limited
        ('{holder: "A", country: US}', Status.UNKNOWN),  # a share not public
    ],
)
def test_the_19_6_b_limits_as_the_text_sets_them(
    tmp_path: Path, holders: str, status: Status
) -> None:
    report = _audit(tmp_path, CLOUD.format(holders=holders))
    f = findings(report, "SNC-003")["cloud"]
    assert f.status is status
    if status is Status.FAIL:
        assert f.severity.value == "critical"
        assert objective(report, "establishment").level_name == "Not eligible"


def test_a_customers_own_server_room_is_not_judged_under_a_or_b(tmp_path: Path) -> None:
    path = tmp_path / "own.yaml"
    path.write_text(
        "sovcheck: 1\nsystem: {name: S, home: FR, trusted: [EU], classification: restricted,"
        " entrypoints: [app], organization: acme}\n"
        "organizations:\n  - {id: acme, name: Acme Inc., country: US}\n"
        "components:\n"
        "  - {id: app, kind: application, name: App, supplier: acme, runs_on: [room]}\n"
        "  - {id: room, kind: cloud, name: Own server room, supplier: acme, location: [FR]}\n",
        encoding="utf-8",
    )
    report = audit(path, RUBRIC, include_passed=True)
    assert not [f for f in report.findings if f.rule in ("SNC-001", "SNC-002", "SNC-003")]
    assert objective(report, "establishment").level_name == "Not assessed"


COLO = """\
components:
  - {{id: app, kind: application, name: App, runs_on: [cloud]}}
  - {{id: cloud, kind: cloud, name: Cloud, supplier: ovhcloud, location: [FR], languages: [fr], runs_on: [dc], depends_on: [stack]}}
  - {{id: dc, kind: datacenter, name: Colocation, supplier: aws, location: [FR]{dc}}}
  - {{id: stack, kind: library, name: Platform software, supplier: google{stack}}}
"""


def test_19_6_c_and_d_judge_the_providers_third_parties(tmp_path: Path) -> None:
    unknown = _audit(tmp_path, COLO.format(dc="", stack=", open_source: false"))
    assert findings(unknown, "SNC-009")["dc"].status is Status.UNKNOWN
    assert findings(unknown, "SNC-010")["stack"].status is Status.UNKNOWN
    failed = _audit(
        tmp_path,
        COLO.format(
            dc=", supplier_data_access: true",
            stack=", open_source: false, requires_connectivity: true",
        ),
    )
    assert findings(failed, "SNC-009")["dc"].status is Status.FAIL
    assert findings(failed, "SNC-010")["stack"].status is Status.FAIL
    assert objective(failed, "technical-access").level_name == "Not eligible"
    held = _audit(
        tmp_path,
        COLO.format(
            dc=", supplier_data_access: false",
            stack=", open_source: false, requires_connectivity: true, substitutes: [other]",
        ),
    )
    assert findings(held, "SNC-009")["dc"].status is Status.PASS
    assert findings(held, "SNC-010")["stack"].status is Status.PASS  # two suppliers


def test_19_3_french_interfaces_and_support(tmp_path: Path) -> None:
    english = _audit(
        tmp_path,
        "components:\n  - {id: app, kind: application, name: App, runs_on: [cloud]}\n"
        "  - {id: cloud, kind: cloud, name: Cloud, supplier: ovhcloud, location: [FR], languages: [en]}\n",
    )
    assert findings(english, "SNC-011")["cloud"].status is Status.FAIL
    unstated = _audit(
        tmp_path,
        "components:\n  - {id: app, kind: application, name: App, runs_on: [cloud]}\n"
        "  - {id: cloud, kind: cloud, name: Cloud, supplier: ovhcloud, location: [FR]}\n",
    )
    assert findings(unstated, "SNC-011")["cloud"].status is Status.UNKNOWN


def test_a_qualification_in_progress_is_not_a_qualification(tmp_path: Path) -> None:
    report = _audit(
        tmp_path,
        "components:\n  - {id: app, kind: application, name: App, runs_on: [cloud]}\n"
        "  - {id: cloud, kind: cloud, name: Scaleway, supplier: scaleway, location: [FR],"
        " certifications: [secnumcloud]}\n",
    )
    f = findings(report, "SNC-008")["cloud"]
    assert f.status is Status.FAIL
    assert "in qualification, not held (milestone J0), since 2025-01-08" in f.message
