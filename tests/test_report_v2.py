"""Report version 2: each rule's texts once, paths as references to one path table;
version 1 on request, byte for byte as before; every reader of saved reports reads both."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import GOLDEN, INVENTORIES, ROOT, check_golden

TODAY = ("--today", "2026-11-23")
US = "inventories/hospital-us-cloud.yaml"
TRUSTED = "inventories/hospital-trusted-cloud.yaml"
SCHEMA = ROOT / "src" / "sovcheck" / "schemas" / "report-v2.json"


def resolve(report: dict[str, Any], ref: int | None) -> list[str]:
    """The path a version 2 reference stands for: its step, then its parents'."""
    steps = []
    while ref is not None:
        step = report["paths"][ref]
        steps.append(step["component"])
        ref = step["parent"]
    return steps[::-1]


def _finding_key(f: dict[str, Any]) -> tuple[str, str | None, str, str]:
    return (f["rule"], f["component"], f["status"], f["message"])


def test_version_1_is_the_former_report_byte_for_byte(cli):
    result = cli("audit", US, "--format", "json", "--report-version", "1", *TODAY)
    assert result.code == 1
    assert json.loads(result.out)["report_version"] == 1
    check_golden("audit/v1/hospital-us-cloud.json", result.out)


@pytest.mark.parametrize("rubric", ["default", "secnumcloud", "eu-csf"])
def test_version_2_says_what_version_1_says(cli, rubric):
    for path in sorted(INVENTORIES.glob("*.yaml")):
        args = ("audit", path.relative_to(ROOT), "--rubric", rubric, "--format", "json", *TODAY)
        one, two = cli(*args, "--report-version", "1"), cli(*args)
        assert one.code == two.code, path
        v1, v2 = json.loads(one.out), json.loads(two.out)
        assert (v1["report_version"], v2["report_version"]) == (1, 2)
        assert sorted(map(_finding_key, v1["findings"])) == sorted(
            map(_finding_key, v2["findings"])
        )
        rules = {r["id"]: r for r in v2["rules"]}
        for old, new in zip(v1["findings"], v2["findings"], strict=True):
            assert resolve(v2, new["path"]) == old["path"]
            rule = rules[new["rule"]]
            assert " ".join(old["remediation"].split()) == rule["remediation"]
            assert old["references"] == rule["references"]
            assert not {"remediation", "references"} & set(new)
            assert {k: old[k] for k in new if k != "path"} == {
                k: new[k] for k in new if k != "path"
            }
        for kind in ("cutoff", "single_points_of_failure"):
            assert [resolve(v2, r["path"]) for r in v2["risks"][kind]] == [
                r["path"] for r in v1["risks"][kind]
            ]
        # scores, gates, rules and everything else are the same
        rest = {"findings", "paths", "risks", "report_version"}
        assert {k: v for k, v in v1.items() if k not in rest} == {
            k: v for k, v in v2.items() if k not in rest
        }


def _chain(tmp_path: Path, n: int) -> Path:
    """An application on a chain of ``n`` libraries, each depending on the next."""
    lines = [
        "sovcheck: 1",
        "system: {name: Chain, home: FR, trusted: [EU], classification: restricted}",
        "components:",
        "  - {id: app, kind: application, name: App, runs_on: [cloud], depends_on: [lib-0]}",
        "  - {id: cloud, kind: cloud, name: Cloud, supplier: ovhcloud, location: [FR]}",
    ]
    for i in range(n):
        after = f", depends_on: [lib-{i + 1}]" if i + 1 < n else ""
        lines.append(f"  - {{id: lib-{i}, kind: library, name: Lib {i}{after}}}")
    path = tmp_path / f"chain-{n}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_deep_chain_is_linear_in_size(cli, tmp_path):
    sizes, spelled = {}, {}
    for n in (100, 1000):
        out = tmp_path / f"chain-{n}.json"
        assert cli("audit", _chain(tmp_path, n), "--format", "json", "-o", out).code == 1
        report = json.loads(out.read_text(encoding="utf-8"))
        sizes[n] = out.stat().st_size
        refs = [f["path"] for f in report["findings"]]
        refs += [r["path"] for r in report["risks"]["single_points_of_failure"]]
        spelled[n] = sum(len(resolve(report, ref)) for ref in refs)
        # every step of the chain once in the table
        assert len(report["paths"]) == n + 2
    # spelled out, the paths grow with the square of the depth; the report does not
    assert spelled[1000] / spelled[100] > 50
    assert sizes[1000] / sizes[100] < 12


def _save(cli, tmp_path: Path, inventory: str, version: str, *more: str) -> Path:
    out = tmp_path / f"{Path(inventory).stem}{'-and-more' if more else ''}-v{version}.json"
    result = cli("audit", inventory, *more, "-f", "json", "--report-version", version, "-o", out)
    assert result.code == 1, result.err
    return out


def test_diff_reads_saved_reports_of_both_versions(cli, tmp_path):
    inventories = cli("diff", TRUSTED, US, "-f", "json", *TODAY)
    assert inventories.code == 1
    expected = json.loads(inventories.out)
    labels = {"base", "head", "components_compared", "added", "removed", "changed", "notes"}
    for base_version in ("1", "2"):
        for head_version in ("1", "2"):
            base = _save(cli, tmp_path, TRUSTED, base_version, *TODAY)
            head = _save(cli, tmp_path, US, head_version, *TODAY)
            result = cli("diff", base, head, "-f", "json")
            assert result.code == 1, result.err
            text = result.out.replace(str(base), TRUSTED).replace(str(head), US)
            got = json.loads(text)
            assert (got["base"], got["head"]) == (TRUSTED, US)
            assert {k: v for k, v in got.items() if k not in labels} == {
                k: v for k, v in expected.items() if k not in labels
            }
            assert got["new_findings"] and got["worse"]


def test_a_saved_report_of_either_version_is_a_baseline(cli, tmp_path):
    made = tmp_path / "baseline.json"
    assert cli("audit", US, "--create-baseline", made, *TODAY).code == 0
    expected = json.loads(cli("audit", US, "-f", "json", "--baseline", made, *TODAY).out)
    assert expected["baseline"]["accepted"] > 0
    for version in ("1", "2"):
        saved = _save(cli, tmp_path, US, version, *TODAY)
        result = cli("audit", US, "-f", "json", "--baseline", saved, *TODAY)
        assert result.code == 0  # the failing gates and findings are all accepted
        got = json.loads(result.out)["baseline"]
        assert got == {**expected["baseline"], "file": str(saved)}
        # the trusted cloud's report accepts none of the US cloud's new failures
        other = _save(cli, tmp_path, TRUSTED, version, *TODAY)
        worse = cli("audit", US, "-f", "json", "--baseline", other, *TODAY)
        assert worse.code == 1
        assert not json.loads(worse.out)["baseline"]["inventory_found"]
        # several inventories' output: each inventory finds its own report
        both = _save(cli, tmp_path, US, version, TRUSTED, *TODAY)
        result = cli("audit", US, TRUSTED, "-f", "json", "--baseline", both, *TODAY)
        reports = json.loads(result.out)
        assert [r["baseline"]["inventory_found"] for r in reports] == [True, True]
        assert [r["baseline"]["new"] for r in reports] == [[], []]


def _broken(tmp_path: Path, edit: Any) -> Path:
    data = json.loads((GOLDEN / "audit" / "hospital-us-cloud.json").read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def _set(where: str, value: Any) -> Any:
    def edit(data: dict[str, Any]) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in where.split(".")]
        target: Any = data
        for p in parents:
            target = target[p]
        target[last] = value

    return edit


@pytest.mark.parametrize(
    ("edit", "line_holds", "message"),
    [
        (
            _set("findings.3.rule", "XX-999"),
            '"rule": "XX-999"',
            "rule 'XX-999' is not in the report's 'rules'",
        ),
        (_set("findings.0.path", 9999), '"path": 9999', "path 9999 is not an index of 'paths'"),
        (_set("paths.1.parent", 5), '"parent": 5', "parent 5 is not an earlier step of 'paths'"),
        (_set("findings.0.path", ["a", "b"]), '"path": [', "findings[0].path"),
        (_set("report_version", 3), '"report_version": 3', "report_version 3 is not supported"),
        (_set("findings.0.remediation", "x"), '"remediation": "x"', "unknown field 'remediation'"),
    ],
)
def test_a_broken_saved_report_is_exit_2_with_its_line(cli, tmp_path, edit, line_holds, message):
    path = _broken(tmp_path, edit)
    result = cli("diff", path, US, *TODAY)
    assert result.code == 2
    assert "Traceback" not in result.err
    found = re.match(rf"{re.escape(str(path))}:(\d+):(\d+): (.*)", result.err)
    assert found, result.err
    assert message in found.group(3)
    line = path.read_text(encoding="utf-8").splitlines()[int(found.group(1)) - 1]
    assert line_holds in line


def test_goldens_and_several_inventories_validate_against_the_v2_schema(cli):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    goldens = [p for p in sorted((GOLDEN / "audit").rglob("*.json")) if p.parent.name != "v1"]
    assert len(goldens) == 21
    for path in goldens:
        jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), schema)
    several = cli("audit", US, TRUSTED, "--format", "json", *TODAY)
    data = json.loads(several.out)
    assert [r["report_version"] for r in data] == [2, 2]
    jsonschema.validate(data, schema)
    # the former shape is not version 2, nor is a finding's path spelled out
    v1 = json.loads((GOLDEN / "audit" / "v1" / "hospital-us-cloud.json").read_text("utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(v1, schema)
    one = data[0]
    one["findings"][0]["path"] = ["hdh-platform"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(one, schema)
