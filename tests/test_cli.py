"""Gates, exit codes and the commands around the audit."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from tests.conftest import check_golden, check_junit

HOSPITAL = "inventories/hospital-us-cloud.yaml"
TRUSTED = "inventories/hospital-trusted-cloud.yaml"
TODAY = ("--today", "2026-11-23")
OBJECTIVES = (
    "data-security",
    "technological-independence",
    "local-values",
    "economic-competitiveness",
    "inclusion",
)
ALL_MINIMUMS_ZERO = tuple(f"--min={o}=0" for o in OBJECTIVES)


def gates(result) -> dict[str, dict]:
    return {g["id"]: g for g in json.loads(result.out)["gates"]}


def test_rubric_thresholds_are_the_default_gates(cli):
    result = cli("audit", HOSPITAL, "--format", "json", *TODAY)
    assert result.code == 1
    g = gates(result)
    assert set(g) == {f"objective:{o}" for o in OBJECTIVES}
    assert g["objective:data-security"]["source"] == "rubric"
    assert g["objective:data-security"]["passed"] is False


def test_min_overrides_and_can_make_every_gate_pass(cli):
    args = ALL_MINIMUMS_ZERO
    result = cli("audit", HOSPITAL, "--format", "json", *TODAY, *args)
    assert result.code == 0
    g = gates(result)
    assert all(x["passed"] and x["source"] == "command-line" for x in g.values())


def test_fail_under_gates_the_overall_score(cli):
    args = ALL_MINIMUMS_ZERO
    result = cli("audit", HOSPITAL, "--format", "json", *TODAY, *args, "--fail-under", "90")
    assert result.code == 1
    overall = gates(result)["overall"]
    assert overall == {
        "id": "overall",
        "kind": "overall",
        "threshold": 90.0,
        "actual": overall["actual"],
        "passed": False,
        "source": "command-line",
        "baseline": None,
    }
    assert overall["actual"] < 90


def test_fail_on_severity(cli):
    args = ALL_MINIMUMS_ZERO
    result = cli("audit", HOSPITAL, "--format", "json", *TODAY, *args, "--fail-on", "critical")
    assert result.code == 1
    assert gates(result)["fail-on"]["actual"] == "critical"


def test_table_states_gates_and_verdict(cli):
    result = cli("audit", TRUSTED, *TODAY)
    assert result.code == 1
    assert "Gates: objective:data-security" in result.out
    assert result.out.rstrip().endswith("Verdict: FAIL")


def test_output_file_is_written_and_stdout_is_empty(cli, tmp_path):
    target = tmp_path / "report.json"
    result = cli("audit", HOSPITAL, "--format", "json", *TODAY, "--output", target)
    assert result.code == 1
    assert result.out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["inventory"]["path"] == HOSPITAL
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary left behind


def test_audit_does_not_modify_the_inventory(cli):
    before = Path(HOSPITAL).read_bytes()
    cli("audit", HOSPITAL, *TODAY)
    assert Path(HOSPITAL).read_bytes() == before


@pytest.mark.parametrize("version", ["1", "2"])
def test_report_validates_against_the_shipped_report_schema(cli, version):
    result = cli("audit", HOSPITAL, "--format", "json", "--report-version", version, *TODAY)
    schema = json.loads(cli("schema", "--report", "--report-version", version).out)
    jsonschema.validate(json.loads(result.out), schema)
    shipped = Path(f"src/sovcheck/schemas/report-v{version}.json")
    assert json.loads(shipped.read_text(encoding="utf-8")) == schema, (
        f"regenerate: sovcheck schema --report --report-version {version} > {shipped}"
    )


def test_inventory_schema_accepts_every_reference_inventory(cli):
    schema = json.loads(cli("schema").out)
    yaml = YAML(typ="safe")
    for path in sorted(Path("inventories").glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"))
        jsonschema.validate(json.loads(json.dumps(data, default=str)), schema)


def test_rubric_list_and_show(cli):
    listed = cli("rubric", "list")
    assert listed.code == 0
    assert "default" in listed.out
    shown = cli("rubric", "show", "default")
    assert shown.code == 0
    assert "DS-001" in shown.out and "SecNumCloud 3.2 §19.6" in shown.out


def test_rubric_facts_lists_every_fact_and_the_operators_per_type(cli):
    from sovcheck.rules.facts import FACTS

    result = cli("rubric", "facts")
    assert result.code == 0
    intro, types, facts = result.out.split("\n\n")

    def rows(table: str) -> dict[str, str]:
        # A row's first line starts at the left edge; wrapped lines are indented.
        lines = [line for line in table.splitlines()[2:] if not line.startswith(" ")]
        return {line.split()[0]: " ".join(line.split()[1:]) for line in lines}

    assert rows(types) == {
        "bool": "equals, is, known",
        "text": "equals, in, not_in, known",
        "number": "equals, at_least, at_most, known",
        "set": "equals, intersects, subset_of, contains, empty, known",
        "classification": "equals, in, not_in, at_least, at_most, known",
        "share": "equals, at_least, at_most, known",
        "claims": "intersects, contains, known",
    }
    rows_of_facts = rows(facts)
    for name, spec in FACTS.items():
        assert rows_of_facts[name].startswith(f"{spec.type.value} {spec.scope} "), name
    assert rows_of_facts["control"].startswith("text component home, trusted, foreign ")
    assert intro.endswith("lowest first: none, public, internal, restricted, secret.")


def test_version_and_module_entry(cli):
    result = cli("--version")
    assert result.code == 0
    assert result.out.startswith("sovcheck ")


def test_usage_error_without_arguments_exits_2(cli):
    result = cli("audit")
    assert result.code == 2
    assert "Missing argument" in result.err


def test_safe_loader_uses_the_c_parser():
    assert YAML(typ="safe").Parser.__name__ == "CParser"


def test_table_golden_for_the_chatbot(cli):
    result = cli("audit", "inventories/public-chatbot.yaml", *TODAY)
    check_golden("audit/public-chatbot.txt", result.out)


def test_several_inventories_and_directories_exit_with_the_worst(cli, tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(Path(TRUSTED).read_text(encoding="utf-8"), encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "sovcheck: 1\nsystem: {name: x, home: FRA}\ncomponents: []\n", encoding="utf-8"
    )
    (tmp_path / "notes.yaml").write_text("just: notes\n", encoding="utf-8")  # not an inventory
    (tmp_path / "ci.yml").write_text("sovcheck:\n  script: [sovcheck audit .]\n", encoding="utf-8")
    result = cli("audit", tmp_path, "--format", "json", *TODAY, *ALL_MINIMUMS_ZERO)
    assert result.code == 2
    assert result.err.startswith(f"{broken}:3:13: no components")
    reports = json.loads(result.out)
    assert [r["inventory"]["path"] for r in reports] == [str(good)]
    both = cli("audit", HOSPITAL, TRUSTED, "--format", "json", *TODAY)
    assert both.code == 1
    assert len(json.loads(both.out)) == 2


def test_output_formats_write_several_files_and_keep_the_table(cli, tmp_path):
    sarif, junit = tmp_path / "out.sarif", tmp_path / "out.xml"
    result = cli(
        "audit",
        HOSPITAL,
        *TODAY,
        "--output-format",
        f"sarif={sarif}",
        "--output-format",
        f"junit={junit}",
    )
    assert result.code == 1
    assert "Verdict: FAIL" in result.out
    assert json.loads(sarif.read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert junit.read_text(encoding="utf-8").startswith('<?xml version="1.0" encoding="UTF-8"?>')
    check_junit(junit.read_text(encoding="utf-8"))


def test_output_format_usage_errors(cli):
    result = cli("audit", HOSPITAL, "--output-format", "sarf=x.sarif")
    assert result.code == 2
    assert "unknown format 'sarf' (did you mean 'sarif'?)" in result.err
    assert cli("audit", HOSPITAL, "--output-format", "sarif").code == 2


def test_progress_only_on_a_terminal(cli, monkeypatch):
    quiet = cli("audit", HOSPITAL, "--format", "json", *TODAY)
    assert quiet.err == ""  # not a terminal: no progress
    import io

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    monkeypatch.setattr("sys.stderr", tty)
    result = cli("audit", HOSPITAL, "--format", "json", *TODAY)
    assert "sovcheck: auditing 9 components of inventories/hospital-us-cloud.yaml" in tty.getvalue()
    assert "sovcheck:" not in result.out
    assert json.loads(result.out)["report_version"] == 2
