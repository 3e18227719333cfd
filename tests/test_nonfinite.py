"""Numbers no score can be made of: NaN, infinities, weights that overflow a sum, scores out
of range. Each is refused where it is read, with its place; none is ever written as JSON."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from sovcheck import jsontext
from sovcheck.formats import diff_json, json_report
from tests.test_bad_input import VALID, bad, write

RULE = """\
rubric: 1
id: child
version: "1"
title: Child
extends: default
{objectives}rules:
  - id: DS-003
    objective: data-security
    title: Public data stays home too
    severity: high
    weight: {weight}
    check: {{fact: control, in: [home, trusted]}}
    message: "m"
    rationale: r
    remediation: r
    references: ["house rule"]
  - id: X-001
    objective: inclusion
    title: Second rule
    severity: low
    weight: {weight}
    check: {{fact: languages, known: true}}
    message: "m"
    rationale: r
    remediation: r
    references: ["house rule"]
"""

OBJECTIVES = """\
objectives:
  - id: data-security
    title: Data security
    weight: {a}
    threshold: 70
  - id: {second}
    title: Inclusion
    weight: 1
"""

LEVELS = """\
rubric: 1
id: levels
version: "1"
title: Levels
extends: default
levels:
  - {level: 0, name: Low, min_score: 0}
  - {level: 1, name: Mid, min_score: 60}
  - {level: 2, name: High, min_score: 50}
"""


def _audit_rubric(cli, tmp_path: Path, text: str) -> list[str]:
    rubric = write(tmp_path, text, "rubric.yaml")
    result = cli("audit", write(tmp_path, VALID), "--rubric", rubric, "--format", "json")
    assert result.code == 2, result
    assert result.out == ""
    assert "Traceback" not in result.err and "internal error" not in result.err
    return [line.replace(str(rubric), "R") for line in result.err.splitlines()]


@pytest.mark.parametrize("weight", [".inf", ".nan", "-.inf"])
def test_a_rule_weight_that_is_not_finite_is_refused(cli, tmp_path, weight):
    lines = _audit_rubric(cli, tmp_path, RULE.format(objectives="", weight=weight))
    value = {".inf": "inf", ".nan": "nan", "-.inf": "-inf"}[weight]
    assert lines == [
        f"R:11:13: 'rules[0].weight' must be a finite number, not {value}",
        f"R:21:13: 'rules[1].weight' must be a finite number, not {value}",
    ]


def test_two_rules_of_weight_1e308_are_refused_above_the_stated_bound(cli, tmp_path):
    # finite, but their sum overflows to inf and the score becomes NaN
    lines = _audit_rubric(cli, tmp_path, RULE.format(objectives="", weight="1e308"))
    assert lines == [
        "R:11:13: 'rules[0].weight': Input should be less than or equal to 1000000",
        "R:21:13: 'rules[1].weight': Input should be less than or equal to 1000000",
    ]


def test_weights_at_the_bound_score_finitely(cli, tmp_path):
    rubric = write(tmp_path, RULE.format(objectives="", weight="1000000"), "rubric.yaml")
    result = cli("audit", write(tmp_path, VALID), "--rubric", rubric, "--format", "json")
    assert result.code in (0, 1), result
    data = json.loads(result.out, parse_constant=pytest.fail)
    assert all(math.isfinite(o["score"]) for o in data["objectives"])
    assert 0 <= data["overall"]["score"] <= 100


def test_an_objective_weight_of_inf_no_longer_passes(cli, tmp_path):
    objectives = OBJECTIVES.format(a=".inf", second="inclusion")
    lines = _audit_rubric(cli, tmp_path, RULE.format(objectives=objectives, weight=1))
    assert lines == ["R:9:13: 'objectives[0].weight' must be a finite number, not inf"]


def test_duplicate_objective_ids_are_refused(cli, tmp_path):
    objectives = OBJECTIVES.format(a=2, second="data-security")
    lines = _audit_rubric(cli, tmp_path, RULE.format(objectives=objectives, weight=1))
    assert lines == ["R:11:9: duplicate objective id 'data-security'"]


def test_levels_whose_min_score_decreases_are_refused(cli, tmp_path):
    assert _audit_rubric(cli, tmp_path, LEVELS) == [
        "R:9:39: min_score 50 is below the 60 of level 1: a higher level cannot need a lower score"
    ]


def test_levels_whose_min_score_rises_are_accepted(cli, tmp_path):
    rubric = write(tmp_path, LEVELS.replace("min_score: 50", "min_score: 80"), "rubric.yaml")
    result = cli("audit", write(tmp_path, VALID), "--rubric", rubric, "--format", "json")
    assert result.code in (0, 1), result
    assert json.loads(result.out)["overall"]["level_name"] in ("Low", "Mid", "High")


@pytest.mark.parametrize(("given", "shown"), [(".inf", "inf"), ("1e400", "inf"), (".nan", "nan")])
def test_a_cost_that_is_not_finite_is_refused(cli, tmp_path, given, shown):
    text = VALID.replace(
        "    location: [FR]\n", f"    location: [FR]\n    annual_cost_eur: {given}\n"
    )
    assert bad(cli, tmp_path, text) == [
        f"F:17:22: 'components[1].annual_cost_eur' must be a finite number, not {shown}"
    ]


def test_a_share_that_is_not_finite_is_refused(cli, tmp_path):
    text = VALID.replace(
        "components:",
        "organizations:\n  - id: acme\n    name: Acme\n    country: FR\n"
        "    foreign_control: .nan\ncomponents:",
    )
    assert bad(cli, tmp_path, text) == [
        "F:11:22: 'organizations[0].foreign_control' must be a finite number, not nan"
    ]


def test_a_finite_cost_is_accepted(cli, tmp_path):
    text = VALID.replace("    location: [FR]\n", "    location: [FR]\n    annual_cost_eur: 1e12\n")
    assert cli("validate", write(tmp_path, text)).code == 0


def _saved_report(cli, tmp_path: Path) -> dict:
    result = cli("audit", write(tmp_path, VALID), "--format", "json")
    assert result.code in (0, 1), result
    data: dict = json.loads(result.out)
    return data


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("score", "message"),
    [
        ("1e999", "'overall.score' must be a finite number, not inf"),
        ("-5", "'overall.score': Input should be greater than or equal to 0"),
        ("250", "'overall.score': Input should be less than or equal to 100"),
    ],
)
def test_diff_refuses_a_saved_report_with_a_score_out_of_range(cli, tmp_path, score, message):
    data = _saved_report(cli, tmp_path)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(data, indent=2), encoding="utf-8")
    data["overall"]["score"] = 12345.5
    text = json.dumps(data, indent=2).replace('"score": 12345.5', f'"score": {score}')
    broken = tmp_path / "broken.json"
    broken.write_text(text, encoding="utf-8")
    result = cli("diff", good, broken, "--format", "json")
    assert result.code == 2, result
    assert result.out == ""
    line = _line_of(text, f'"score": {score}')
    assert result.err == f"{broken}:{line}:14: {message}\n"


def test_diff_of_valid_saved_reports_writes_strict_json(cli, tmp_path):
    data = _saved_report(cli, tmp_path)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(data, indent=2), encoding="utf-8")
    result = cli("diff", good, good, "--format", "json")
    assert result.code == 0, result
    json.loads(result.out, parse_constant=pytest.fail)


def test_every_json_writer_refuses_nan():
    with pytest.raises(ValueError, match="not JSON compliant"):
        jsontext.dumps({"score": math.nan})
    with pytest.raises(ValueError, match="not JSON compliant"):
        jsontext.require_finite({"a": [1, {"b": (2.0, math.inf)}]})
    jsontext.require_finite({"a": [1, {"b": (2.0, 3.5, "NaN")}]})


def test_a_nan_reaching_the_report_writer_fails_loudly(hospital):
    broken = hospital.model_copy(
        update={"overall": hospital.overall.model_copy(update={"score": math.nan})}
    )
    with pytest.raises(ValueError, match="not JSON compliant: nan"):
        json_report.render(broken)
    with pytest.raises(ValueError, match="not JSON compliant: nan"):
        json_report.render_many([hospital, broken])


def test_a_nan_reaching_the_diff_writer_fails_loudly(hospital):
    from sovcheck.plan import DiffSide, diff

    side = DiffSide("hospital", hospital)
    changes = diff(side, side)
    after = changes.overall.model_copy(update={"after": math.inf})
    broken = changes.model_copy(update={"overall": after})
    with pytest.raises(ValueError, match="not JSON compliant"):
        diff_json.render(broken)


def test_a_nan_from_scoring_is_an_internal_error_not_output(cli, tmp_path, monkeypatch):
    # The models refuse a non-finite score: a bug in scoring stops the run, and the JSON
    # written is never 'NaN'.
    monkeypatch.setattr(
        "sovcheck.scoring._overall_scores", lambda rubric, objectives: (math.nan, math.nan)
    )
    result = cli("audit", write(tmp_path, VALID), "--format", "json")
    assert result.code == 3  # a bug, not bad input: CI tells the two apart
    assert result.out == ""
    assert result.err.startswith("sovcheck: internal error: ValidationError:")
