"""Each integration's own sovcheck command line, run against the shipped inventories."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import ROOT

BIN = Path(sys.executable).parent


def read_yaml(path: Path) -> object:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "inventories", tmp_path / "inventories")
    return tmp_path


def run(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
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


def test_github_workflow(workdir):
    workflow = read_yaml(ROOT / "examples/github/sovcheck.yml")
    steps = workflow["jobs"]["sovcheck"]["steps"]  # type: ignore[index]
    [line] = sovcheck_lines([s["run"] for s in steps if "run" in s])
    result = run(line, workdir)
    assert result.returncode == 1, result.stderr  # the shipped inventories fail their gates
    assert result.stderr == ""
    summary = (workdir / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("# ")
    sarif = json.loads((workdir / "sovcheck.sarif").read_text(encoding="utf-8"))
    (only,) = sarif["runs"]  # one run for all the inventories: GitHub takes at most 20
    assert len(only["artifacts"]) == len(list((ROOT / "inventories").glob("*.yaml")))
    upload = next(
        s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif")
    )
    assert upload["with"]["sarif_file"] == "sovcheck.sarif"


def test_composite_action(workdir):
    action = read_yaml(ROOT / "action.yml")
    inputs = {k: v["default"] for k, v in action["inputs"].items()}  # type: ignore[index]
    [script] = [s["run"] for s in action["runs"]["steps"] if s.get("id") == "audit"]  # type: ignore[index]
    script = re.sub(r"\$\{\{ inputs\.([a-z-]+) \}\}", lambda m: inputs[m.group(1)], script)
    assert "${{" not in script
    result = run(script, workdir)
    assert result.returncode == 1, result.stderr
    assert (workdir / "github-output").read_text(encoding="utf-8") == "exit-code=1\n"
    assert (workdir / inputs["sarif"]).exists()


def test_gitlab_job(workdir):
    job = read_yaml(ROOT / "examples/gitlab/.gitlab-ci.yml")["sovereignty"]  # type: ignore[index]
    [line] = sovcheck_lines(job["script"])
    result = run(line, workdir)
    assert result.returncode == 1, result.stderr
    junit = (workdir / job["artifacts"]["reports"]["junit"]).read_text(encoding="utf-8")
    assert junit.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')
    assert (workdir / "sovcheck.md").read_text(encoding="utf-8").startswith("# ")


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
