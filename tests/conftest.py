from __future__ import annotations

import datetime as dt
import functools
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema

from sovcheck.audit import AuditOptions, run_audit
from sovcheck.catalog import builtin_catalog
from sovcheck.cli import main
from sovcheck.load.inventory import LoadedInventory, load_inventory
from sovcheck.load.rubric import load_rubric
from sovcheck.model.report import Report

ROOT = Path(__file__).resolve().parents[1]
INVENTORIES = ROOT / "inventories"
GOLDEN = Path(__file__).resolve().parent / "golden"
DATA = Path(__file__).resolve().parent / "data"
TODAY = dt.date(2026, 11, 23)
UPDATE_GOLDEN = os.environ.get("SOVCHECK_UPDATE_GOLDEN") == "1"

_US_API = """
  - id: us-llm-api
    kind: service
    name: Hosted LLM API
    supplier: openai
    location: [US]
"""


def with_us_api(trusted_text: str) -> str:
    """The trusted-cloud hospital inventory's text, changed as a reviewer must see: its
    platform sends its restricted data to a US-controlled API."""
    text = trusted_text.replace(
        "    runs_on: [scaleway-cloud]\n",
        "    runs_on: [scaleway-cloud]\n    calls: [us-llm-api]\n",
        1,
    )
    return text + _US_API


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Result]:
    """Run the sovcheck command line in-process, as a user would, with a fixed terminal width."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")

    def run(*args: str | Path) -> Result:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["sovcheck", *map(str, args)])
        with pytest.raises(SystemExit) as exc:
            main()
        captured = capsys.readouterr()
        code = exc.value.code
        return Result(
            code if isinstance(code, int) else (0 if code is None else 2),
            captured.out,
            captured.err,
        )

    return run


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in the repository root, so that reports name inventories by relative path."""
    monkeypatch.chdir(ROOT)


@pytest.fixture
def hospital(in_root: None) -> Report:
    """The audit of the hospital on a US-controlled cloud (the reference failing case)."""
    return audit("inventories/hospital-us-cloud.yaml")


def load(path: Path | str) -> LoadedInventory:
    catalog = builtin_catalog()
    return load_inventory(
        path,
        catalog_organizations=catalog.organizations.keys(),
        groups=catalog.group_members.keys(),
    )


def audit(path: Path | str, rubric: str = "default", **options: object) -> Report:
    return run_audit(
        load(path),
        load_rubric(rubric),
        builtin_catalog(),
        AuditOptions(today=TODAY, **options),  # type: ignore[arg-type]
    )


def check_golden(name: str, text: str) -> None:
    """Compare ``text`` with the golden file; SOVCHECK_UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if UPDATE_GOLDEN or not path.exists():
        if not UPDATE_GOLDEN and os.environ.get("CI"):
            pytest.fail(f"golden file {name} is missing; run with SOVCHECK_UPDATE_GOLDEN=1")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"differs from golden {name}"


@functools.cache
def junit_schema() -> xmlschema.XMLSchema:
    """The Jenkins JUnit schema pytest validates its own reports with (tests/data/README.md);
    it imports nothing, and no other resource may be read for it."""
    with (DATA / "junit-10.xsd").open(encoding="utf-8") as f:
        return xmlschema.XMLSchema(f, allow="none")


def check_junit(text: str) -> None:
    """``text`` is a JUnit document valid against the Jenkins schema."""
    junit_schema().validate(text)


GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


@functools.cache
def gitlab_codequality_validator() -> jsonschema.Draft7Validator:
    """GitLab's schema of one Code Quality issue (tests/data/README.md)."""
    schema = json.loads((DATA / "gitlab-codeclimate.json").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


def check_codequality(text: str) -> list[dict[str, Any]]:
    """``text`` is a report GitLab takes whole: an array whose every issue passes GitLab's
    schema (its parser stops at the first that does not), with the documented fields."""
    assert text.endswith("\n") and not text.startswith("\ufeff")
    issues = json.loads(text)
    assert isinstance(issues, list)
    validator = gitlab_codequality_validator()
    for issue in issues:
        validator.validate(issue)
        # what GitLab's documentation lists, beyond what its schema checks
        assert issue["check_name"].startswith("sovcheck/")
        assert issue["severity"] in GITLAB_SEVERITIES
        assert "\n" not in issue["description"]
        path = issue["location"]["path"]
        assert path and not path.startswith("/") and "\\" not in path
        assert isinstance(issue["location"]["lines"]["begin"], int)
        assert issue["location"]["lines"]["begin"] >= 1
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == len(fingerprints)  # GitLab keeps one per fingerprint
    return issues
