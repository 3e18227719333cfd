"""Property: no generated or mutated input makes sovcheck fail other than by exit 0, 1 or 2.

Inventories, rubrics and BOMs are generated valid-ish, then mutated (bytes cut, changed,
repeated); the CLI runs in-process. Every run exits 0, 1 or 2, never with an internal
error, and every ``--format json`` output is JSON without NaN or Infinity. The default
suite runs a bounded number of examples; ``SOVCHECK_HYPOTHESIS_EXAMPLES=2000`` runs more
(docs/ci.md, release checks).
"""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sovcheck.cli import main

EXAMPLES = int(os.environ.get("SOVCHECK_HYPOTHESIS_EXAMPLES", "12"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
KINDS = ["application", "model", "dataset", "library", "service", "cloud", "team", "bogus"]
IDS = st.sampled_from(["app", "gpu", "cloud", "lib", "x", "ovhcloud", "nvidia", "App", "a b"])
TEXT = st.text(max_size=12)
# Weights and costs stay finite and moderate: non-finite numbers in rubrics and costs are
# refused by the report side, tested there.
NUMBERS = st.one_of(st.integers(-5, 10**6), st.floats(-10, 1e6, allow_nan=False))
VALUES = st.one_of(TEXT, NUMBERS, st.booleans(), st.none(), st.lists(IDS, max_size=3))


def _refuse(name: str) -> Any:
    raise ValueError(name)


def run(*args: str | Path) -> tuple[int, str, str]:
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    saved = sys.argv, sys.stdout, sys.stderr
    sys.argv, sys.stdout, sys.stderr = ["sovcheck", *map(str, args)], out, err
    try:
        with pytest.raises(SystemExit) as exc:
            main()
    finally:
        sys.argv, sys.stdout, sys.stderr = saved
    code = exc.value.code
    texts = []
    for stream in (out, err):
        stream.flush()
        texts.append(stream.buffer.getvalue().decode("utf-8", "replace"))  # type: ignore[attr-defined]
    return (code if isinstance(code, int) else 0), texts[0], texts[1]


@st.composite
def inventories(draw: st.DrawFn) -> dict[str, Any]:
    components = []
    for _ in range(draw(st.integers(0, 4))):
        component: dict[str, Any] = {
            "id": draw(IDS),
            "name": draw(TEXT),
            "kind": draw(st.sampled_from(KINDS)),
        }
        for field in draw(
            st.lists(
                st.sampled_from(
                    ["runs_on", "calls", "supplier", "location", "annual_cost_eur", "license", "x"]
                ),
                max_size=3,
            )
        ):
            component[field] = draw(VALUES)
        components.append(component)
    return {
        "sovcheck": draw(st.sampled_from([1, 1, 1, 2, "1"])),
        "system": {"name": draw(TEXT), "home": draw(st.sampled_from(["FR", "DE", "XX"]))},
        "components": components,
    }


@st.composite
def mutated(draw: st.DrawFn, text: str) -> bytes:
    raw = text.encode("utf-8")
    for _ in range(draw(st.integers(0, 3))):
        if not raw:
            break
        at = draw(st.integers(0, len(raw) - 1))
        how = draw(st.sampled_from(["cut", "byte", "repeat", "insert"]))
        if how == "cut":
            raw = raw[:at]
        elif how == "byte":
            raw = raw[:at] + bytes([draw(st.integers(0, 255))]) + raw[at + 1 :]
        elif how == "repeat":
            raw = raw[:at] + raw[at:] * 2
        else:
            token = draw(
                st.sampled_from(["[", "{", "&a ", "*a", "<<: ", "!!int ", ": ", "\\ud800"])
            )
            raw = raw[:at] + token.encode() + raw[at:]
    return raw


def check(code: int, out: str, err: str, *, as_json: bool) -> None:
    assert code in (0, 1, 2), (code, err)
    assert "internal error" not in err, err
    assert "Traceback" not in err, err
    if as_json and code in (0, 1):
        json.loads(out, parse_constant=_refuse)


@SETTINGS
@given(data=st.data())
def test_generated_inventories(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject):
    tmp = tmp_path_factory.mktemp("inv")
    text = json.dumps(data.draw(inventories()))
    name = data.draw(st.sampled_from(["inv.json", "inv.yaml"]))
    path = tmp / name
    path.write_bytes(data.draw(mutated(text)))
    check(*run("audit", path, "--format", "json", "--today", "2026-11-23"), as_json=True)


@SETTINGS
@given(data=st.data())
def test_generated_rubrics(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject):
    tmp = tmp_path_factory.mktemp("rubric")
    inventory = Path(__file__).resolve().parents[1] / "inventories" / "hospital-us-cloud.yaml"
    weight = data.draw(st.integers(0, 100))
    text = (
        "extends: default\n"
        f"drop: [{data.draw(IDS)}]\n"
        "rules:\n"
        f"  - id: {data.draw(IDS)}\n"
        "    objective: data-security\n"
        f"    weight: {weight}\n"
        f"    severity: {data.draw(st.sampled_from(['high', 'low', 'bogus']))}\n"
        f"    title: {json.dumps(data.draw(TEXT))}\n"
    )
    path = tmp / "rubric.yaml"
    path.write_bytes(data.draw(mutated(text)))
    result = run("audit", inventory, "--rubric", path, "--format", "json", "--today", "2026-11-23")
    check(*result, as_json=True)


@SETTINGS
@given(data=st.data())
def test_generated_boms(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject):
    tmp = tmp_path_factory.mktemp("bom")
    components = [
        {
            "type": data.draw(st.sampled_from(["library", "application", "device", "bogus"])),
            "name": data.draw(TEXT),
            "bom-ref": data.draw(IDS),
            "purl": data.draw(st.sampled_from(["pkg:pypi/torch@2", "pkg:npm/x", "nope"])),
        }
        for _ in range(data.draw(st.integers(0, 3)))
    ]
    bom = {"bomFormat": "CycloneDX", "specVersion": "1.5", "components": components}
    path = tmp / "bom.json"
    path.write_bytes(data.draw(mutated(json.dumps(bom))))
    check(*run("import", path, "-o", tmp / "out.yaml"), as_json=False)
