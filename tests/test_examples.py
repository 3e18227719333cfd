"""Each integration's own sovcheck command line, run against the shipped inventories."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import ROOT, check_codequality, check_junit, with_us_api

BIN = Path(sys.executable).parent


def read_yaml(path: Path) -> object:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "inventories", tmp_path / "inventories")
    return tmp_path


def run(
    script: str, cwd: Path, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        **(extra_env or {}),
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "GITHUB_STEP_SUMMARY": str(cwd / "summary.md"),
        "GITHUB_OUTPUT": str(cwd / "github-output"),
    }
    return subprocess.run(
        ["bash", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def sovcheck_lines(lines: list[str]) -> list[str]:
    found = [line for line in lines if line.lstrip().startswith("sovcheck ")]
    assert found, "no sovcheck command line"
    return found


def add_us_api(workdir: Path) -> None:
    """The change a reviewer must see (see ``with_us_api``)."""
    path = workdir / "inventories" / "hospital-trusted-cloud.yaml"
    path.write_text(with_us_api(path.read_text(encoding="utf-8")), encoding="utf-8")


def check_pinned_install(spec: str) -> None:
    """A PEP 508 direct reference to the sovcheck repository at a ref, as pip reads it."""
    from packaging.requirements import Requirement

    requirement = Requirement(spec)
    assert requirement.name == "sovcheck"
    assert requirement.url is not None
    assert re.fullmatch(r"https://github\.com/OWNER/sovcheck/archive/REF\.tar\.gz", requirement.url)


def create_baseline(workdir: Path) -> None:
    made = run("sovcheck audit inventories/ --create-baseline .sovcheck-baseline.json", workdir)
    assert made.returncode == 0, made.stderr


def test_github_workflow(workdir):
    workflow = read_yaml(ROOT / "examples/github/sovcheck.yml")
    assert workflow["permissions"] == {  # type: ignore[index]
        "contents": "read",
        "security-events": "write",
        "actions": "read",
    }
    check_pinned_install(workflow["env"]["SOVCHECK"])  # type: ignore[index]
    steps = workflow["jobs"]["sovcheck"]["steps"]  # type: ignore[index]
    setup = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert tuple(map(int, setup["with"]["python-version"].split("."))) >= (3, 11)
    assert any(s.get("run") == 'python -m pip install "$SOVCHECK"' for s in steps)
    [line] = sovcheck_lines([s["run"] for s in steps if "run" in s])
    assert "--baseline .sovcheck-baseline.json" in line

    create_baseline(workdir)
    accepted = run(line, workdir)
    assert accepted.returncode == 0, accepted.stderr  # today's state is accepted
    assert accepted.stderr == ""
    summary = (workdir / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("# ")
    sarif = json.loads((workdir / "sovcheck.sarif").read_text(encoding="utf-8"))
    (only,) = sarif["runs"]  # one run for all the inventories: GitHub takes at most 20
    assert len(only["artifacts"]) == len(list((ROOT / "inventories").glob("*.yaml")))

    add_us_api(workdir)
    (workdir / "summary.md").unlink()
    red = run(line, workdir)
    assert red.returncode == 1, red.stderr
    summary = (workdir / "summary.md").read_text(encoding="utf-8")
    assert "| `new-findings` |" in summary
    upload = next(
        s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")
    )
    assert upload["if"] == "always()"
    assert upload["with"]["sarif_file"] == "sovcheck.sarif"


def action_script(**inputs: str) -> tuple[str, dict[str, str]]:
    """The action's audit step: its script, and its environment with the inputs given
    (defaults for the others), as the runner passes them."""
    action = read_yaml(ROOT / "action.yml")
    values = {k: v["default"] for k, v in action["inputs"].items()}  # type: ignore[index]
    values.update({k.replace("_", "-"): v for k, v in inputs.items()})
    [step] = [s for s in action["runs"]["steps"] if s.get("id") == "audit"]  # type: ignore[index]
    assert "${{" not in step["run"], "inputs reach the script through the environment only"
    env = {
        name: re.sub(r"\$\{\{ inputs\.([a-z-]+) \}\}", lambda m: values[m.group(1)], value)
        for name, value in step["env"].items()
    }
    return step["run"], env


def test_composite_action_sets_up_python_and_installs_itself():
    action = read_yaml(ROOT / "action.yml")
    steps = action["runs"]["steps"]  # type: ignore[index]
    assert steps[0]["uses"].startswith("actions/setup-python@")
    default = action["inputs"]["python-version"]["default"]  # type: ignore[index]
    assert tuple(map(int, default.split("."))) >= (3, 11)
    assert steps[0]["with"]["python-version"] == "${{ inputs.python-version }}"
    install = steps[1]
    assert install["env"] == {"SOVCHECK_SOURCE": "${{ github.action_path }}"}
    assert install["run"] == 'python -m pip install --quiet "$SOVCHECK_SOURCE"'
    upload = steps[-1]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")


def test_composite_action(workdir):
    script, env = action_script()
    result = run(script, workdir, env)
    assert result.returncode == 1, result.stderr
    assert (workdir / "github-output").read_text(encoding="utf-8") == "exit-code=1\n"
    assert (workdir / "sovcheck.sarif").exists()

    create_baseline(workdir)
    (workdir / "github-output").unlink()
    script, env = action_script(baseline=".sovcheck-baseline.json", args="--fail-on-new critical")
    result = run(script, workdir, env)
    assert result.returncode == 0, result.stderr
    assert (workdir / "github-output").read_text(encoding="utf-8") == "exit-code=0\n"


def test_composite_action_inputs_are_text_not_code(workdir):
    script, env = action_script(inventories="inventories/ $(touch injected)", rubric='x" "y')
    result = run(script, workdir, env)
    assert result.returncode == 2
    assert not (workdir / "injected").exists()
    assert "unknown rubric" in result.stderr or 'x" "y' in result.stderr


def test_gitlab_job(workdir):
    job = read_yaml(ROOT / "examples/gitlab/.gitlab-ci.yml")["sovereignty"]  # type: ignore[index]
    check_pinned_install(job["variables"]["SOVCHECK"])
    assert 'python -m pip install "$SOVCHECK"' in job["script"]
    [line] = sovcheck_lines(job["script"])
    create_baseline(workdir)
    result = run(line, workdir)
    assert result.returncode == 0, result.stderr
    junit = (workdir / job["artifacts"]["reports"]["junit"]).read_text(encoding="utf-8")
    assert junit.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')
    check_junit(junit)
    # GitLab keeps only the first of tests with the same names: every inventory has its own
    cases = Counter(
        (c.get("classname"), c.get("name")) for c in ET.fromstring(junit).iter("testcase")
    )
    assert max(cases.values()) == 1
    inventories = sorted(
        p.relative_to(ROOT).as_posix() for p in (ROOT / "inventories").glob("*.yaml")
    )
    suites = ET.fromstring(junit).findall("testsuite")
    assert sorted({s.get("file") for s in suites}) == inventories
    quality = (workdir / job["artifacts"]["reports"]["codequality"]).read_text(encoding="utf-8")
    issues = check_codequality(quality)
    assert sorted({i["location"]["path"] for i in issues}) == inventories
    assert (workdir / "sovcheck.md").read_text(encoding="utf-8").startswith("# ")
    add_us_api(workdir)
    assert run(line, workdir).returncode == 1


@pytest.mark.parametrize(("hook_id", "expected"), [("sovcheck-validate", 0), ("sovcheck", 1)])
def test_pre_commit_hooks(workdir, hook_id, expected):
    hooks = {h["id"]: h for h in read_yaml(ROOT / ".pre-commit-hooks.yaml")}  # type: ignore[union-attr]
    hook = hooks[hook_id]
    pattern = re.compile(hook["files"])
    files = sorted(
        str(p.relative_to(workdir))
        for p in (workdir / "inventories").iterdir()
        if pattern.search(str(p.relative_to(workdir)))
    )
    assert len(files) == len(list((ROOT / "inventories").glob("*.yaml")))
    result = run(hook["entry"] + " " + " ".join(files), workdir)
    assert result.returncode == expected, result.stderr
