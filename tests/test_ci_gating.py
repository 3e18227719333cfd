"""CI gating as a platform engineer uses it: new-finding gates, baselines, soft-fail,
display filters, configuration files, waivers files and standard input."""

from __future__ import annotations

import json
import re
import sys
from io import BytesIO, TextIOWrapper
from pathlib import Path

import pytest

from tests.conftest import ROOT, with_us_api

TRUSTED = "inventories/hospital-trusted-cloud.yaml"
US = "inventories/hospital-us-cloud.yaml"
TODAY = ("--today", "2026-11-23")


def _with_us_api(directory: Path) -> Path:
    """The trusted-cloud platform, plus a US-controlled API it sends its restricted data to."""
    head = directory / "head.yaml"
    head.write_text(with_us_api((ROOT / TRUSTED).read_text(encoding="utf-8")), encoding="utf-8")
    return head


def _gates(out: str) -> dict[str, dict[str, object]]:
    return {g["id"]: g for g in json.loads(out)["gates"]}


# --------------------------------------------------------------------------- diff


def test_diff_fails_on_a_new_critical_finding_that_the_scores_dilute(cli, tmp_path):
    head = _with_us_api(tmp_path)
    result = cli("diff", TRUSTED, head, *TODAY, "--format", "markdown")
    assert result.code == 1
    assert (
        "- DS-001 fails on us-llm-api (critical, new), at or above --fail-on-new high" in result.out
    )
    # the new findings come first, before the score table
    assert result.out.index("### New findings") < result.out.index("| Objective |")


def test_diff_new_finding_gate_alone_catches_what_no_score_gate_sees(cli, tmp_path):
    # the EU CSF rubric sets no score gate: only the new findings can make HEAD worse
    head = _with_us_api(tmp_path)
    args = ("diff", TRUSTED, head, *TODAY, "--rubric", "eu-csf")
    result = cli(*args)
    assert result.code == 1
    worse = [line for line in result.out.splitlines() if line.startswith("Worse: ")]
    assert worse == [
        "Worse: CSF-101 fails on us-llm-api (critical, new), at or above --fail-on-new high",
        "Worse: CSF-102 fails on us-llm-api (high, new), at or above --fail-on-new high",
        "Worse: CSF-201 fails on us-llm-api (high, new), at or above --fail-on-new high",
        "Worse: CSF-301 fails on us-llm-api (high, new), at or above --fail-on-new high",
    ]
    critical = cli(*args, "--fail-on-new", "critical")
    assert critical.code == 1
    assert [line for line in critical.out.splitlines() if line.startswith("Worse: ")] == [
        worse[0].replace("--fail-on-new high", "--fail-on-new critical")
    ]
    assert cli(*args, "--fail-on-new", "none").code == 0
    bad = cli("diff", TRUSTED, head, "--fail-on-new", "hihg")
    assert bad.code == 2
    assert "'hihg' is not a severity (did you mean 'high'?)" in bad.err


def test_diff_of_an_inventory_with_itself_is_not_worse(cli):
    assert cli("diff", TRUSTED, TRUSTED, *TODAY).code == 0


# --------------------------------------------------------------------------- baseline


def test_create_baseline_records_failing_and_unknown_findings_and_exits_0(cli, tmp_path):
    target = tmp_path / "baseline.json"
    result = cli("audit", US, *TODAY, "--create-baseline", target)
    assert result.code == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["sovcheck_baseline"] == 1
    assert data["rubric"].startswith("default v")
    [inv] = data["inventories"]
    assert inv["path"] == US  # relative to the repository root
    statuses = {(e["rule"], e["component"]): e["status"] for e in inv["findings"]}
    assert statuses[("DS-001", "azure-france")] == "fail"
    assert statuses[("DS-005", "microsoft-authentication")] == "unknown"
    assert {g["id"] for g in inv["failing_gates"]} >= {"objective:data-security"}
    # the same audit, the same bytes
    again = tmp_path / "again.json"
    cli("audit", US, *TODAY, "--create-baseline", again)
    assert again.read_bytes() == target.read_bytes()


def test_baseline_accepts_today_and_fails_on_what_is_new(cli, tmp_path):
    base = tmp_path / "baseline.json"
    assert cli("audit", TRUSTED, *TODAY, "--create-baseline", base).code == 0
    same = cli("audit", TRUSTED, *TODAY, "--baseline", base, "--format", "json")
    assert same.code == 0, same.out
    report = json.loads(same.out)
    assert report["baseline"]["new"] == [] and report["baseline"]["left"] == []
    assert report["baseline"]["inventory_found"] is True
    gates = _gates(same.out)
    assert gates["new-findings"] == {
        "id": "new-findings",
        "kind": "baseline",
        "threshold": "high",
        "actual": 0,
        "passed": True,
        "source": "baseline",
        "baseline": None,
    }
    # a score gate that failed when the baseline was made holds while it is no worse
    failing_then = json.loads(base.read_text())["inventories"][0]["failing_gates"]
    for g in failing_then:
        assert gates[g["id"]]["passed"] is True
        assert gates[g["id"]]["baseline"] == g["actual"]

    head = _with_us_api(tmp_path)
    worse = cli("audit", head, *TODAY, "--baseline", base, "--format", "json")
    assert worse.code == 1
    # the baseline names inventories/hospital-trusted-cloud.yaml; head.yaml is another
    # inventory, so nothing of it is accepted
    assert json.loads(worse.out)["baseline"]["inventory_found"] is False


def test_baseline_matches_by_rule_and_component_not_by_line(cli, tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "inv").mkdir()
    inventory = repo / "inv" / "platform.yaml"
    inventory.write_text((ROOT / TRUSTED).read_text(encoding="utf-8"), encoding="utf-8")
    base = repo / "baseline.json"
    assert cli("audit", inventory, *TODAY, "--create-baseline", base).code == 0
    assert json.loads(base.read_text())["inventories"][0]["path"] == "inv/platform.yaml"

    # the change under review: lines move (a comment on top) and a US API is added
    head = _with_us_api(tmp_path)
    inventory.write_text("# reviewed\n" + head.read_text(encoding="utf-8"), encoding="utf-8")
    result = cli("audit", inventory, *TODAY, "--baseline", base, "--format", "json")
    assert result.code == 1
    report = json.loads(result.out)
    new = {(f["rule"], f["component"], f["status"]) for f in report["baseline"]["new"]}
    assert ("DS-001", "us-llm-api", "fail") in new
    # exactly the findings the change brings, by an independent count: the head's failing
    # and unknown findings that the base audit did not have with that status or worse
    before = json.loads(cli("audit", ROOT / TRUSTED, *TODAY, "--format", "json").out)
    rank = {"unknown": 1, "fail": 2}
    had = {(f["rule"], f["component"]): rank.get(f["status"], 0) for f in before["findings"]}
    expected = {
        (f["rule"], f["component"], f["status"])
        for f in report["findings"]
        if f["status"] in rank and had.get((f["rule"], f["component"]), 0) < rank[f["status"]]
    }
    assert new == expected
    assert {component for _, component, _ in new} == {"us-llm-api", "hdh-platform", None}
    gate = _gates(result.out)["new-findings"]
    assert gate["passed"] is False and gate["actual"] >= 1

    # the same from the inventory's own directory, with a relative path
    from_sub = cli_in(cli, repo / "inv", "audit", "platform.yaml", *TODAY, "--baseline", base)
    assert from_sub.code == 1
    assert "new-findings" in from_sub.out


def cli_in(cli, directory: Path, *args):
    import os

    here = Path.cwd()
    os.chdir(directory)
    try:
        return cli(*args)
    finally:
        os.chdir(here)


def test_findings_that_left_are_reported(cli, tmp_path):
    base = tmp_path / "baseline.json"
    cli("audit", US, *TODAY, "--create-baseline", base)
    data = json.loads(base.read_text())
    entry = data["inventories"][0]["findings"][0]
    data["inventories"][0]["findings"].append({**entry, "component": "gone-component"})
    base.write_text(json.dumps(data))
    result = cli("audit", US, *TODAY, "--baseline", base, "--format", "json")
    left = json.loads(result.out)["baseline"]["left"]
    assert [(f["rule"], f["component"], f["line"]) for f in left] == [
        (entry["rule"], "gone-component", None)
    ]
    table = " ".join(cli("audit", US, *TODAY, "--baseline", base).out.split())
    assert "1 left since the baseline" in table
    assert f"left {entry['rule']} gone-component (was {entry['status']})" in table
    assert "refresh the baseline with --create-baseline" in table


def test_an_unknown_that_now_fails_is_new(cli, tmp_path):
    base = tmp_path / "baseline.json"
    cli("audit", US, *TODAY, "--create-baseline", base)
    data = json.loads(base.read_text())
    findings = data["inventories"][0]["findings"]
    target = next(e for e in findings if e["rule"] == "DS-001" and e["status"] == "fail")
    target["status"] = "unknown"
    base.write_text(json.dumps(data))
    result = cli("audit", US, *TODAY, "--baseline", base, "--format", "json")
    assert result.code == 1
    new = json.loads(result.out)["baseline"]["new"]
    assert [(f["rule"], f["component"], f["status"]) for f in new] == [
        ("DS-001", target["component"], "fail")
    ]


def test_a_gate_worse_than_its_baseline_fails(cli, tmp_path):
    base = tmp_path / "baseline.json"
    cli("audit", US, *TODAY, "--create-baseline", base)
    data = json.loads(base.read_text())
    for gate in data["inventories"][0]["failing_gates"]:
        if gate["id"] == "objective:data-security":
            gate["actual"] = 50.0  # the score was better when the baseline was made
    base.write_text(json.dumps(data))
    result = cli("audit", US, *TODAY, "--baseline", base, "--format", "json")
    assert result.code == 1
    gate = _gates(result.out)["objective:data-security"]
    assert gate["passed"] is False and gate["baseline"] == 50.0


def test_bad_baselines_are_exit_2_with_a_location(cli, tmp_path):
    bad = tmp_path / "baseline.json"
    bad.write_text('{\n  "sovcheck_baseline": 1,\n  "rubric": "x",\n  "inventories": 3\n}\n')
    result = cli("audit", US, "--baseline", bad)
    assert result.code == 2
    assert f"{bad}:4:18:" in result.err
    assert "Traceback" not in result.err
    other = tmp_path / "other.json"
    other.write_text("{}")
    result = cli("audit", US, "--baseline", other)
    assert result.code == 2
    assert "not a sovcheck baseline" in result.err
    both = cli("audit", US, "--baseline", bad, "--create-baseline", tmp_path / "b.json")
    assert both.code == 2
    assert "--baseline and --create-baseline" in both.err


def test_create_baseline_never_overwrites_an_input(cli):
    result = cli("audit", US, "--create-baseline", US)
    assert result.code == 2
    assert "is an input file" in result.err


# --------------------------------------------------------------------------- soft-fail, filters


def test_soft_fail_reports_the_failure_and_exits_0(cli, tmp_path):
    result = cli("audit", US, *TODAY, "--soft-fail")
    assert result.code == 0
    assert "Verdict: FAIL" in result.out
    bad = tmp_path / "bad.yaml"
    bad.write_text("sovcheck: 1\nsystem: [\n")
    assert cli("audit", bad, "--soft-fail").code == 2


def test_severity_filters_the_listing_not_the_verdict(cli):
    full = cli("audit", US, *TODAY, "--format", "json")
    shown = cli("audit", US, *TODAY, "--format", "json", "--severity", "critical")
    assert shown.out == full.out  # the JSON report is the record: every finding
    table = cli("audit", US, *TODAY, "--severity", "critical")
    assert table.code == full.code == 1
    # one heading per rule listed: "DS-001 critical · title · counts"
    headings = re.findall(r"^([A-Z]{2}-\d{3}) (\w+) · ", table.out, flags=re.M)
    assert headings and {severity for _, severity in headings} == {"critical"}
    found = json.loads(full.out)["findings"]
    criticals = [f for f in found if f["severity"] == "critical" and f["status"] != "pass"]
    rules = {f["rule"] for f in criticals}
    assert {rule for rule, _ in headings} == rules
    assert f"Findings ({len(criticals)} in {len(rules)} rules)" in table.out


def test_quiet_prints_no_report_and_the_failing_gates_on_stderr(cli, tmp_path):
    result = cli("audit", US, *TODAY, "--quiet", "--output-format", f"json={tmp_path / 'r.json'}")
    assert result.code == 1
    assert result.out == ""
    assert f"sovcheck: {US}: gate objective:data-security failed: 33.5 vs 70" in result.err
    assert (tmp_path / "r.json").exists()
    ok = cli("audit", TRUSTED, *TODAY, "--quiet", "--soft-fail")
    assert ok.out == "" and ok.code == 0


# --------------------------------------------------------------------------- configuration


def test_config_file_sets_options_and_the_command_line_wins(cli, tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "sub").mkdir()
    (repo / "inv.yaml").write_text((ROOT / US).read_text(encoding="utf-8"), encoding="utf-8")
    (repo / ".sovcheck.yaml").write_text(
        "rubric: default\n"
        "min:\n  data-security: 10\n"
        "fail-under: 0\n"
        "soft-fail: false\n"
        "output-format:\n  json: out/report.json\n",
        encoding="utf-8",
    )
    (repo / "out").mkdir()
    result = cli_in(cli, repo / "sub", "audit", "../inv.yaml", *TODAY, "--format", "json")
    gates = _gates(result.out)
    assert gates["objective:data-security"]["threshold"] == 10.0
    assert gates["objective:data-security"]["source"] == "config"
    assert gates["overall"]["source"] == "config"
    assert (repo / "out" / "report.json").exists()  # relative to the configuration file
    over = cli_in(
        cli, repo, "audit", "inv.yaml", *TODAY, "--format", "json", "--min", "data-security=20"
    )
    gates = _gates(over.out)
    assert gates["objective:data-security"]["threshold"] == 20.0
    assert gates["objective:data-security"]["source"] == "command-line"
    ignored = cli_in(cli, repo, "audit", "inv.yaml", *TODAY, "--format", "json", "--no-config")
    assert _gates(ignored.out)["objective:data-security"]["source"] == "rubric"


def test_pyproject_tool_table(cli, tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "inv.yaml").write_text((ROOT / US).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.sovcheck]\nsoft-fail = true\nfail-on = "critical"\n',
        encoding="utf-8",
    )
    result = cli_in(cli, tmp_path, "audit", "inv.yaml", *TODAY, "--format", "json")
    assert result.code == 0  # soft-fail from the file
    assert _gates(result.out)["fail-on"]["source"] == "config"
    assert cli_in(cli, tmp_path, "audit", "inv.yaml", *TODAY, "--no-soft-fail").code == 1


def test_config_errors_are_located(cli, tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "inv.yaml").write_text((ROOT / US).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / ".sovcheck.yaml").write_text("rubric: default\nfail-undr: 3\n", encoding="utf-8")
    result = cli_in(cli, tmp_path, "audit", "inv.yaml")
    assert result.code == 2
    assert result.err.startswith(".sovcheck.yaml:2:1:")
    assert "Traceback" not in result.err
    (tmp_path / ".sovcheck.yaml").write_text("min:\n  data-securty: 3\n", encoding="utf-8")
    result = cli_in(cli, tmp_path, "audit", "inv.yaml")
    assert result.code == 2
    assert ".sovcheck.yaml:2:3: min: unknown objective 'data-securty'" in result.err
    assert "did you mean 'data-security'" in result.err
    (tmp_path / ".sovcheck.yaml").unlink()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.sovcheck]\nrubric = "default"\nfail-under = 300\n', encoding="utf-8"
    )
    result = cli_in(cli, tmp_path, "audit", "inv.yaml")
    assert result.code == 2
    assert result.err.startswith("pyproject.toml:3:1:")
    (tmp_path / "pyproject.toml").write_text("[tool.sovcheck\n", encoding="utf-8")
    result = cli_in(cli, tmp_path, "audit", "inv.yaml")
    assert result.code == 2
    assert result.err.startswith("pyproject.toml:1:")


def test_config_search_stops_at_the_repository_root(cli, tmp_path):
    (tmp_path / ".sovcheck.yaml").write_text("soft-fail: true\n", encoding="utf-8")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "inv.yaml").write_text((ROOT / US).read_text(encoding="utf-8"), encoding="utf-8")
    assert cli_in(cli, repo, "audit", "inv.yaml", *TODAY).code == 1


# --------------------------------------------------------------------------- waivers file


def _waivers(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_waivers_file_waives_like_the_inventory(cli, tmp_path):
    waivers = _waivers(
        tmp_path,
        "waivers:\n"
        "  - rule: DS-001\n    component: azure-france\n"
        "    reason: migration to a qualified provider planned for 2027-Q2\n"
        "    expires: 2027-06-30\n"
        "  - rule: TI-004\n    reason: old\n    expires: 2026-01-01\n",
    )
    result = cli("audit", US, *TODAY, "--waivers", waivers, "--format", "json")
    report = json.loads(result.out)
    f = next(
        f for f in report["findings"] if f["rule"] == "DS-001" and f["component"] == "azure-france"
    )
    assert f["status"] == "waived"
    assert f["waiver_reason"] == "migration to a qualified provider planned for 2027-Q2"
    states = {(w["rule"], w["status"]) for w in report["waivers"]}
    assert ("TI-004", "expired") in states


def test_waivers_file_errors_are_located(cli, tmp_path):
    missing_reason = _waivers(tmp_path, "waivers:\n  - rule: DS-001\n    expires: 2027-06-30\n")
    result = cli("audit", US, "--waivers", missing_reason)
    assert result.code == 2
    assert f"{missing_reason}:2:5:" in result.err and "reason" in result.err
    unknown_rule = _waivers(
        tmp_path, "waivers:\n  - rule: DS-01\n    reason: r\n    expires: 2027-06-30\n"
    )
    result = cli("audit", US, "--waivers", unknown_rule)
    assert result.code == 2
    assert f"{unknown_rule}:2:11: waiver names rule 'DS-01', which the rubric does not have" in (
        result.err
    )
    unknown_component = _waivers(
        tmp_path,
        "waivers:\n  - rule: DS-001\n    component: azure-frnace\n"
        "    reason: r\n    expires: 2027-06-30\n",
    )
    result = cli("audit", US, "--waivers", unknown_component)
    assert result.code == 2
    assert f"{unknown_component}:3:16: waiver names component 'azure-frnace'" in result.err
    assert "did you mean 'azure-france'" in result.err


# --------------------------------------------------------------------------- standard input


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", TextIOWrapper(BytesIO(data), encoding="utf-8"))


def test_inventory_from_standard_input(cli, monkeypatch):
    text = (ROOT / US).read_bytes()
    from_file = cli("audit", US, *TODAY, "--format", "json")
    _stdin(monkeypatch, text)
    from_stdin = cli("audit", "-", *TODAY, "--format", "json")
    assert from_stdin.code == from_file.code == 1
    a, b = json.loads(from_file.out), json.loads(from_stdin.out)
    assert b["inventory"]["path"] == "<stdin>"
    assert b["inventory"]["sha256"] == a["inventory"]["sha256"]
    assert b["gates"] == a["gates"]


def test_json_from_standard_input(cli, monkeypatch):
    from_file = cli("audit", US, *TODAY, "--format", "json")
    # the report is not an inventory; an inventory in JSON is, read as JSON from its first {
    _stdin(monkeypatch, b'  {"sovcheck": 1, "system": 3}')
    result = cli("audit", "-")
    assert result.code == 2
    assert result.err.startswith("<stdin>:1:")
    assert from_file.code == 1


def test_bad_yaml_on_standard_input_is_located(cli, monkeypatch):
    _stdin(monkeypatch, b"sovcheck: 1\nsystem: [\n")
    result = cli("audit", "-")
    assert result.code == 2
    assert result.err.startswith("<stdin>:")
    assert "Traceback" not in result.err


def test_sarif_says_which_results_are_new_since_the_baseline(cli, tmp_path):
    from tests import github_sarif

    base = tmp_path / "baseline.json"
    cli("audit", TRUSTED, *TODAY, "--create-baseline", base)
    data = json.loads(base.read_text())
    dropped = data["inventories"][0]["findings"].pop(0)
    base.write_text(json.dumps(data))
    out = tmp_path / "out.sarif"
    cli("audit", TRUSTED, *TODAY, "--baseline", base, "--output-format", f"sarif={out}")
    log = out.read_text(encoding="utf-8")
    github_sarif.check(log)
    states = {
        (r["ruleId"], r["properties"]["component"]): r["baselineState"]
        for r in json.loads(log)["runs"][0]["results"]
    }
    component = dropped["component"] or "(system)"
    assert states.pop((dropped["rule"], component)) == "new"
    assert set(states.values()) == {"unchanged"}


def test_accepted_gates_are_not_called_passing(cli, tmp_path):
    base = tmp_path / "baseline.json"
    cli("audit", US, *TODAY, "--create-baseline", base)
    table = " ".join(cli("audit", US, *TODAY, "--baseline", base).out.split())
    assert "objective:data-security 33.5 vs 70.0 accepted (rubric; baseline 33.5)" in table
    assert "new-findings 0 vs high ok (baseline)" in table
    assert table.endswith("Verdict: PASS against the baseline")
    md = cli("audit", US, *TODAY, "--baseline", base, "--format", "markdown").out
    assert md.splitlines()[0].endswith("— PASS against the baseline")
    assert "| `objective:data-security` | 33.5 | 70 | rubric | ☑️ accepted (baseline 33.5) |" in md
