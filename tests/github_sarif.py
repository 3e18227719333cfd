"""What GitHub code scanning checks of an uploaded SARIF log, for the tests.

The schema is the one ``github/codeql-action``'s upload step validates with (see
``tests/data/README.md``); every error rejects the upload. The action only warns about a
``uri``/``uri-reference`` format error, which this check rejects too: such a location
names no file of the checkout. The counts are GitHub's documented hard limits, above
which the file is rejected.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.protocols import Validator

SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"
MAX_RUNS = 20
MAX_RESULTS = 25_000
MAX_RULES = 25_000
MAX_LOCATIONS = 1_000
MAX_TAGS = 20
REGION_DEFECT = "definitions/region/properties/anyOf"


@functools.cache
def validator() -> Validator:
    """A validator of the dialect the schema's ``$schema`` names, checking formats."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    assert cls.META_SCHEMA["$id"].rstrip("#") == schema["$schema"].rstrip("#"), cls
    # The file has one defect, kept as GitHub has it: the anyOf that asks a region for a
    # start sits inside region.properties. Nothing else may be wrong with it.
    defects = {
        "/".join(map(str, e.absolute_path)) for e in cls(cls.META_SCHEMA).iter_errors(schema)
    }
    assert defects == {REGION_DEFECT}, defects
    checker = cls.FORMAT_CHECKER
    # Without rfc3986-validator, jsonschema passes every URI: make that an error here.
    assert {"uri", "uri-reference"} <= set(checker.checkers), "install jsonschema[format-nongpl]"
    return cls(schema, format_checker=checker)


def uris(node: object, where: str = "") -> Iterator[tuple[str, str]]:
    """Every ``uri`` in the log, with where it is."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "uri" and isinstance(value, str):
                yield where, value
            else:
                yield from uris(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from uris(value, f"{where}/{i}")


def regions(node: object, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every ``region`` in the log, with where it is."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "region" and isinstance(value, dict):
                yield f"{where}/region", value
            yield from regions(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from regions(value, f"{where}/{i}")


def problems(log: dict[str, Any]) -> list[str]:
    """Why GitHub would reject ``log`` (empty when it would accept it)."""
    found = [
        f"/{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in sorted(validator().iter_errors(log), key=lambda e: list(map(str, e.path)))
    ]
    checker = validator().format_checker
    assert checker is not None
    found += [
        f"{where}/uri: {uri!r} is not a URI reference"
        for where, uri in uris(log)
        if not checker.conforms(uri, "uri-reference")
    ]
    # What the misplaced anyOf meant: a region starts somewhere (sovcheck: at a line).
    found += [
        f"{where}: a region without startLine" for where, r in regions(log) if "startLine" not in r
    ]
    # GitHub's "SARIF support" page lists $schema as required.
    if "$schema" not in log:
        found.append("no $schema")
    runs = log.get("runs", [])
    if len(runs) > MAX_RUNS:
        found.append(f"{len(runs)} runs, more than {MAX_RUNS}")
    for i, run in enumerate(runs):
        results = run.get("results", [])
        rules = run["tool"]["driver"].get("rules", [])
        if len(results) > MAX_RESULTS:
            found.append(f"run {i}: {len(results)} results, more than {MAX_RESULTS}")
        if len(rules) > MAX_RULES:
            found.append(f"run {i}: {len(rules)} rules, more than {MAX_RULES}")
        found += [
            f"run {i}: rule {r['id']} has more than {MAX_TAGS} tags"
            for r in rules
            if len(r.get("properties", {}).get("tags", [])) > MAX_TAGS
        ]
        found += [
            f"run {i}: result {k} has more than {MAX_LOCATIONS} locations"
            for k, r in enumerate(results)
            if len(r.get("locations", [])) > MAX_LOCATIONS
        ]
    return found


def check(text: str) -> dict[str, Any]:
    """The log ``text`` holds, after asserting that GitHub would accept it."""
    log: dict[str, Any] = json.loads(text)
    errors = problems(log)
    assert not errors, "\n".join(errors[:20])
    return log
