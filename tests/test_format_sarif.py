"""SARIF 2.1.0 output: accepted by GitHub, every rule once, stable fingerprints, right lines."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sovcheck.cli import sarif_size_warnings
from sovcheck.formats import sarif
from sovcheck.model.report import Finding, Report, Status
from tests import github_sarif
from tests.conftest import Result, audit, check_golden

ROOT = Path(__file__).resolve().parent.parent
INVENTORIES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "inventories").glob("*.yaml"))
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
"""


def run_of(text: str) -> dict[str, Any]:
    data = json.loads(text)
    assert len(data["runs"]) == 1
    run: dict[str, Any] = data["runs"][0]
    return run


def test_golden(hospital: Report) -> None:
    check_golden("formats/hospital-us-cloud.sarif", sarif.render(hospital))


@pytest.mark.parametrize("show_passed", [False, True])
@pytest.mark.parametrize("inventory", INVENTORIES)
def test_github_accepts_the_log_of_each_inventory(
    in_root: None, inventory: str, show_passed: bool
) -> None:
    data = github_sarif.check(sarif.render(audit(inventory, include_passed=show_passed)))
    assert data["version"] == "2.1.0"
    assert data["$schema"] == (
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    )


def test_github_accepts_the_log_of_several_inventories(in_root: None) -> None:
    github_sarif.check(sarif.render_many([audit(i) for i in INVENTORIES]))


def test_the_schema_is_the_one_github_uploads_with() -> None:
    # It is really the SARIF schema, not something that accepts anything ...
    schema = {"$schema": sarif.SCHEMA_URI}
    assert github_sarif.problems({**schema, "version": "2.1.0"})
    assert github_sarif.problems({**schema, "version": "2.0.0", "runs": []})
    assert not github_sarif.problems({**schema, "version": "2.1.0", "runs": []})
    assert github_sarif.problems({"version": "2.1.0", "runs": []}) == ["no $schema"]
    # ... of the standard with its errata: a suppression has a status, not the draft's state.
    result = {"message": {"text": "m"}, "suppressions": [{"kind": "external"}]}
    log: dict[str, Any] = {**schema, "version": "2.1.0"}
    log["runs"] = [{"tool": {"driver": {"name": "t"}}}]
    log["runs"][0]["results"] = [result]
    assert not github_sarif.problems(log)
    result["suppressions"][0]["status"] = "accepted"
    assert not github_sarif.problems(log)
    result["suppressions"][0] = {"kind": "external", "state": "accepted"}
    assert github_sarif.problems(log)
    # and a location that is no URI reference is refused
    result["suppressions"][0] = {"kind": "external"}
    result["locations"] = [{"physicalLocation": {"artifactLocation": {"uri": "a b.yaml"}}}]
    where = "/runs/0/results/0/locations/0/physicalLocation"
    assert github_sarif.problems(log) == [
        f"{where}/artifactLocation/uri: 'a b.yaml' is not a 'uri-reference'",
        f"{where}/artifactLocation/uri: 'a b.yaml' is not a URI reference",
    ]
    # and so is a region that does not say where it starts (the schema means to)
    result["locations"] = [{"physicalLocation": {"artifactLocation": {"uri": "a"}, "region": {}}}]
    assert github_sarif.problems(log) == [f"{where}/region: a region without startLine"]


def test_driver_lists_every_rule_once(hospital: Report) -> None:
    driver = run_of(sarif.render(hospital))["tool"]["driver"]
    assert driver["name"] == "sovcheck"
    assert driver["version"] == hospital.tool.version
    assert "informationUri" not in driver
    ids = [r["id"] for r in driver["rules"]]
    assert ids == [r.id for r in hospital.rules]
    assert len(ids) == len(set(ids))
    by_id = {r["id"]: r for r in driver["rules"]}
    ds001 = by_id["DS-001"]
    assert ds001["defaultConfiguration"] == {"level": "error"}
    assert ds001["properties"]["security-severity"] == "9.5"
    assert "data-security" in ds001["properties"]["tags"]
    assert "SecNumCloud" in ds001["help"]["markdown"]
    assert "Remediation" in ds001["help"]["text"]
    for summary in hospital.rules:
        rule = by_id[summary.id]
        assert rule["properties"]["security-severity"] == sarif.SECURITY_SEVERITY[summary.severity]
        assert rule["defaultConfiguration"]["level"] == sarif.LEVEL[summary.severity]
        assert rule["shortDescription"]["text"] == summary.title


def test_rule_tags_are_distinct_whatever_the_objective_is_called(hospital: Report) -> None:
    first, *rest = hospital.rules
    renamed = first.model_copy(update={"objective": "security"})
    report = hospital.model_copy(update={"rules": (renamed, *rest)})
    rule = github_sarif.check(sarif.render(report))["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["properties"]["tags"] == ["security", "sovereignty"]


def test_results_are_the_findings_to_attend_to(hospital: Report) -> None:
    run = run_of(sarif.render(hospital))
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    expected = [
        f for f in hospital.findings if f.status in (Status.FAIL, Status.UNKNOWN, Status.WAIVED)
    ]
    assert len(results) == len(expected) == 47
    for result, finding in zip(results, expected, strict=True):
        assert result["ruleId"] == finding.rule
        assert rules[result["ruleIndex"]]["id"] == finding.rule
        loc = result["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"] == {
            "uri": "inventories/hospital-us-cloud.yaml",
            "uriBaseId": "%SRCROOT%",
            "index": 0,
        }
        assert loc["region"]["startLine"] == finding.location.line
        assert loc["region"]["startColumn"] == finding.location.column
    unknown = [r for r in results if r["properties"]["status"] == "unknown"]
    assert unknown and all(r["level"] == "warning" for r in unknown)
    assert all(
        r["message"]["text"].startswith("Unknown, not a confirmed failure:") for r in unknown
    )
    critical_fail = [
        r
        for r in results
        if r["properties"]["status"] == "fail" and r["properties"]["severity"] == "critical"
    ]
    assert critical_fail and all(r["level"] == "error" for r in critical_fail)


def test_ds001_points_at_the_azure_france_component(hospital: Report) -> None:
    lines = (ROOT / "inventories" / "hospital-us-cloud.yaml").read_text().splitlines()
    declared = next(i for i, line in enumerate(lines, 1) if line.strip() == "- id: azure-france")
    results = run_of(sarif.render(hospital))["results"]
    (result,) = [
        r
        for r in results
        if r["ruleId"] == "DS-001" and r["properties"]["component"] == "azure-france"
    ]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == declared
    assert region["startColumn"] == lines[declared - 1].index("id:") + 1
    assert result["level"] == "error"
    assert "azure-france" in result["message"]["text"]


def test_fingerprints_are_stable_and_distinct(hospital: Report, in_root: None) -> None:
    first = run_of(sarif.render(hospital))["results"]
    second = run_of(sarif.render(audit("inventories/hospital-us-cloud.yaml")))["results"]
    prints = [r["partialFingerprints"]["sovcheck/v1"] for r in first]
    assert prints == [r["partialFingerprints"]["sovcheck/v1"] for r in second]
    assert len(set(prints)) == len(prints)
    ds001 = next(r for r in first if r["ruleId"] == "DS-001")
    component = ds001["properties"]["component"]
    expected = hashlib.sha256(f"DS-001\0{component}".encode()).hexdigest()
    assert ds001["partialFingerprints"]["sovcheck/v1"] == expected
    system = next(r for r in first if r["properties"]["component"] == "(system)")
    rule = system["ruleId"]
    assert system["partialFingerprints"]["sovcheck/v1"] == sarif.fingerprint(rule, None)
    assert sarif.fingerprint(rule, None) == hashlib.sha256(f"{rule}\0(system)".encode()).hexdigest()


def test_fingerprint_does_not_depend_on_the_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (ROOT / "inventories" / "hospital-us-cloud.yaml").read_text()
    (tmp_path / "moved.yaml").write_text("# a comment that moves every line\n\n" + text)
    monkeypatch.chdir(tmp_path)
    moved = run_of(sarif.render(audit("./moved.yaml")))["results"]
    monkeypatch.chdir(ROOT)
    base = run_of(sarif.render(audit("inventories/hospital-us-cloud.yaml")))["results"]
    assert [r["partialFingerprints"] for r in moved] == [r["partialFingerprints"] for r in base]
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in moved]
    assert lines == [r["locations"][0]["physicalLocation"]["region"]["startLine"] + 2 for r in base]
    assert moved[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "moved.yaml"


def test_waived_finding_carries_an_external_suppression(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (ROOT / "inventories" / "hospital-us-cloud.yaml").read_text() + WAIVERS
    (tmp_path / "waived.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    out = sarif.render(audit("waived.yaml"))
    github_sarif.check(out)
    results = run_of(out)["results"]
    waived = [r for r in results if "suppressions" in r]
    assert len(waived) == 1
    (result,) = waived
    assert result["ruleId"] == "DS-001"
    assert result["properties"]["status"] == "waived"
    assert result["level"] == "error"
    assert result["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "Migration to a qualified offer | tracked in ticket 42",
        }
    ]
    # The expired waiver does not suppress anything.
    ti006 = [r for r in results if r["ruleId"] == "TI-006"]
    assert ti006 and all("suppressions" not in r for r in ti006)


def _locations(log: object) -> list[dict[str, Any]]:
    """Every artifactLocation in ``log``."""
    found: list[dict[str, Any]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "artifactLocation":
                    found.append(value)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(log)
    return found


def test_paths_are_relative_to_the_repository_root_wherever_sovcheck_runs(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "docs").mkdir()
    folder = root / "infra" / "sov inventories"
    folder.mkdir(parents=True)
    target = folder / "hospital.yaml"
    shutil.copy(ROOT / "inventories" / "hospital-us-cloud.yaml", target)
    outputs = set()
    for cwd, given in [
        (root, "infra/sov inventories/hospital.yaml"),
        (root / "docs", "../infra/sov inventories/hospital.yaml"),
        (folder, "./hospital.yaml"),
        (tmp_path, str(target)),
    ]:
        monkeypatch.chdir(cwd)
        result = cli("audit", given, "--format", "sarif", "--today", "2026-11-23")
        assert result.code == 1, result.err
        outputs.add(result.out)
    (out,) = outputs  # the same bytes, from wherever it ran
    assert str(tmp_path) not in out and "file:" not in out
    log = github_sarif.check(out)
    uri = "infra/sov%20inventories/hospital.yaml"
    run = log["runs"][0]
    assert [a["location"] for a in run["artifacts"]] == [{"uri": uri, "uriBaseId": "%SRCROOT%"}]
    located = _locations(run["results"])
    assert located
    assert all(loc == {"uri": uri, "uriBaseId": "%SRCROOT%", "index": 0} for loc in located)
    assert "originalUriBaseIds" not in run
    assert run["automationDetails"]["id"] == f"sovcheck/{uri}/"
    assert run["properties"]["inventories"][0]["inventory"] == uri


def test_several_inventories_make_one_run(in_root: None) -> None:
    reports = [audit(i) for i in INVENTORIES]
    out = sarif.render_many(reports)
    (run,) = github_sarif.check(out)["runs"]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [s.id for s in reports[0].rules]
    assert run["artifacts"] == [
        {
            "location": {"uri": i, "uriBaseId": "%SRCROOT%"},
            "roles": ["analysisTarget"],
            "hashes": {"sha-256": r.inventory.sha256},
        }
        for i, r in zip(INVENTORIES, reports, strict=True)
    ]
    # every result in its own inventory, inventory after inventory, each in report order
    expected = [
        (k, f.rule, sarif.fingerprint(f.rule, f.component), f.location.line)
        for k, r in enumerate(reports)
        for f in r.findings
        if f.status in sarif.REPORTED
    ]
    located = [
        (
            loc["artifactLocation"]["index"],
            result["ruleId"],
            result["partialFingerprints"]["sovcheck/v1"],
            loc["region"]["startLine"],
        )
        for result in run["results"]
        for loc in [result["locations"][0]["physicalLocation"]]
    ]
    assert located == expected
    for result in run["results"]:
        where = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert where["uri"] == INVENTORIES[where["index"]]
    notes = run["invocations"][0].get("toolExecutionNotifications", [])
    assert len(notes) == sum(len(r.warnings) for r in reports)
    props = run["properties"]
    assert props["rubric"] == "default v1"
    assert props["passed"] is all(r.overall.passed for r in reports) is False
    assert props["inventories"] == [
        {
            "inventory": i,
            "artifactIndex": k,
            "inventorySha256": r.inventory.sha256,
            "system": r.inventory.system,
            "overallScore": r.overall.score,
            "overallLevel": r.overall.level,
            "passed": r.overall.passed,
        }
        for k, (i, r) in enumerate(zip(INVENTORIES, reports, strict=True))
    ]
    # no category of its own: the upload's, which does not change with the inventories
    assert "automationDetails" not in run
    assert out == sarif.render_many([audit(i) for i in INVENTORIES])


def test_the_cli_writes_several_inventories_as_one_run(cli: Callable[..., Result]) -> None:
    result = cli("audit", "inventories", "--format", "sarif", "--today", "2026-11-23")
    assert result.code == 1, result.err
    assert result.out == sarif.render_many([audit(i) for i in INVENTORIES])


def test_an_inventory_given_twice_counts_once(hospital: Report) -> None:
    again = audit("./inventories/../inventories/hospital-us-cloud.yaml")
    assert sarif.render_many([hospital, again]) == sarif.render(hospital)


def test_one_run_takes_one_rubric(in_root: None, hospital: Report) -> None:
    other = audit("inventories/public-chatbot.yaml", rubric="secnumcloud")
    with pytest.raises(ValueError, match="one rubric: default v1 and secnumcloud"):
        sarif.render_many([hospital, other])


def test_no_audit_no_run() -> None:
    assert github_sarif.check(sarif.render_many([]))["runs"] == []


def test_deterministic(hospital: Report) -> None:
    assert sarif.render(hospital) == sarif.render(hospital)
    assert sarif.render(hospital).endswith("}\n")


def _priority(f: Finding) -> tuple[int, int]:
    return (sarif.REPORTED.index(f.status), -f.severity.rank)


def test_a_cap_keeps_the_most_severe_results_in_their_order(hospital: Report) -> None:
    reported = [f for f in hospital.findings if f.status in sarif.REPORTED]
    assert len(reported) == 47
    run = github_sarif.check(sarif.render(hospital, max_results=10))["runs"][0]
    ranked = sorted(range(47), key=lambda k: (*_priority(reported[k]), k))
    kept, dropped = sorted(ranked[:10]), ranked[10:]
    assert [(r["ruleId"], r["properties"]["component"]) for r in run["results"]] == [
        (reported[k].rule, reported[k].component or "(system)") for k in kept
    ]
    assert max(_priority(reported[k]) for k in kept) <= min(_priority(reported[k]) for k in dropped)
    props = run["properties"]
    by_status = Counter(reported[k].status.value for k in dropped)
    assert (props["maxResults"], props["resultsLeftOut"]) == (10, 37)
    assert props["resultsLeftOutByStatus"] == {s: by_status[s] for s in ("fail", "unknown")}
    assert props["inventories"][0]["resultsLeftOut"] == 37
    note = run["invocations"][0]["toolExecutionNotifications"][0]
    assert note["descriptor"]["id"] == "sovcheck/results-left-out"
    assert note["message"]["text"].startswith("37 of 47 results left out: this log holds the 10")
    count = sarif.count_results([hospital], 10)
    assert (count.total, count.kept, count.left_out) == (
        47,
        10,
        {Status.FAIL: 15, Status.UNKNOWN: 22},
    )


def test_a_cap_drops_waived_and_passing_results_before_unknown_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (ROOT / "inventories" / "hospital-us-cloud.yaml").read_text() + WAIVERS
    (tmp_path / "waived.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    trusted = ROOT / "inventories" / "hospital-trusted-cloud.yaml"
    reports = [audit("waived.yaml", include_passed=True), audit(trusted, include_passed=True)]
    reported = [f for r in reports for f in r.findings if f.status in sarif.REPORTED]
    attention = [f for f in reported if f.status in (Status.FAIL, Status.UNKNOWN)]
    others = Counter(f.status.value for f in reported if f not in attention)
    assert others["waived"] == 1 and others["pass"] > 0
    run = github_sarif.check(sarif.render_many(reports, max_results=len(attention)))["runs"][0]
    assert {r["properties"]["status"] for r in run["results"]} == {"fail", "unknown"}
    assert run["properties"]["resultsLeftOutByStatus"] == {"waived": 1, "pass": others["pass"]}
    left = [i.get("resultsLeftOut", 0) for i in run["properties"]["inventories"]]
    assert left == [
        sum(1 for f in r.findings if f.status in (Status.WAIVED, Status.PASS)) for r in reports
    ]


def test_no_cap_and_no_partial_log_when_the_results_fit(hospital: Report) -> None:
    for cap in (0, 47):
        run = json.loads(sarif.render(hospital, max_results=cap))["runs"][0]
        assert len(run["results"]) == 47
        assert "resultsLeftOut" not in run["properties"]
        notes = run["invocations"][0].get("toolExecutionNotifications", [])
        assert "sovcheck/results-left-out" not in [n["descriptor"]["id"] for n in notes]
    with pytest.raises(ValueError, match="max_results"):
        sarif.render(hospital, max_results=-1)


def test_the_default_cap_is_githubs_limit_of_25000_results(hospital: Report) -> None:
    reported = tuple(f for f in hospital.findings if f.status in sarif.REPORTED)
    large = hospital.model_copy(update={"findings": reported * 537})
    assert len(large.findings) == 25_239
    count = sarif.count_results([large])
    assert (count.total, count.kept, count.max_results) == (25_239, 25_000, 25_000)
    run = sarif.to_data([large])["runs"][0]  # what render writes, without the JSON text
    assert len(run["results"]) == 25_000
    assert run["properties"]["resultsLeftOut"] == 239


def test_the_cli_caps_the_sarif_log_and_says_so(cli: Callable[..., Result], tmp_path: Path) -> None:
    target = tmp_path / "out.sarif"
    args = ("inventories/hospital-us-cloud.yaml", "--today", "2026-11-23")
    capped = cli("audit", *args, "--output-format", f"sarif={target}", "--sarif-max-results", "10")
    assert capped.code == 1
    assert "Verdict: FAIL" in capped.out  # the table is not capped
    assert capped.err == (
        "sovcheck: warning: SARIF: 37 of 47 results left out, the log holds the 10 most severe "
        "(--sarif-max-results 10; GitHub code scanning rejects a run of more than 25,000; "
        "0 lifts the cap)\n"
    )
    assert len(github_sarif.check(target.read_text(encoding="utf-8"))["runs"][0]["results"]) == 10
    whole = cli("audit", *args, "--format", "sarif", "--sarif-max-results", "0")
    assert (whole.code, whole.err) == (1, "")
    assert len(json.loads(whole.out)["runs"][0]["results"]) == 47
    assert cli("audit", *args, "--format", "sarif").out == whole.out  # under the default cap
    assert cli("audit", *args, "--sarif-max-results", "-1").code == 2


def test_what_the_cli_says_of_a_large_sarif_log() -> None:
    def say(total: int, cap: int, left: int = 0) -> list[str]:
        return sarif_size_warnings(
            sarif.ResultCount(total, cap, {Status.PASS: left} if left else {})
        )

    assert say(36, 25_000) == []
    assert say(5_000, 25_000) == []
    assert say(6_000, 25_000) == [
        "note: SARIF: GitHub code scanning stores only the 5,000 results of a run it ranks most "
        "severe, of the 6,000 in the log; --sarif-max-results 5000 lets sovcheck choose them"
    ]
    assert say(30_000, 0) == [
        "warning: SARIF: the log has 30,000 results and GitHub code scanning rejects a run of "
        "more than 25,000; --sarif-max-results 25000 keeps the most severe"
    ]
    left_out, stored = say(30_000, 25_000, 5_000)
    assert left_out.startswith("warning: SARIF: 5,000 of 30,000 results left out, the log holds")
    assert stored.startswith("note: SARIF: GitHub code scanning stores only the 5,000")
