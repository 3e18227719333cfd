"""The JSON report written in pieces is the same bytes as json.dumps of the whole report."""

from __future__ import annotations

import json

import pytest

from sovcheck.formats import OutputFormat, json_report, render_audits, stream_audits
from sovcheck.model.inventory import Component
from sovcheck.model.report import Finding, Report
from tests.conftest import ROOT, audit


def _expected(data: object) -> str:
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


@pytest.fixture(scope="module")
def reports() -> list[Report]:
    return [audit(path) for path in sorted((ROOT / "inventories").glob("*.yaml"))]


@pytest.mark.parametrize("version", json_report.VERSIONS)
@pytest.mark.parametrize("batch", [1, 2, 3, 4096])
def test_pieces_join_to_json_dumps(
    reports: list[Report], batch: int, version: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_report, "BATCH", batch)
    empty = reports[0].model_copy(update={"findings": ()})
    # Findings validated by pydantic hold their fields in declaration order, not the
    # engine's key order: the writer must sort them itself.
    validated = reports[0].model_copy(
        update={
            "findings": tuple(
                Finding.model_validate({**f.model_dump(), "message": f.message + ' é ✓ "quoted"\n'})
                for f in reports[0].findings
            )
        }
    )
    assert next(iter(vars(validated.findings[0]))) == "rule"
    for report in [*reports, empty, validated]:
        pieces = list(json_report.render_chunks(report, version))
        expected = json_report.to_data(report, version=version)
        assert expected["report_version"] == version
        assert b"".join(pieces).decode("utf-8") == _expected(expected)
        if len(report.findings) > batch:
            assert len(pieces) > 3  # written in pieces, not at once
    for group in (reports, reports[:1], [empty, reports[0]]):
        assert json_report.render_many(group, version) == _expected(
            [json_report.to_data(r, version=version) for r in group]
        )
    assert json_report.render_many([], version) == "[]\n"


def test_stream_audits_matches_render_audits(reports: list[Report]) -> None:
    audits = [(r, None) for r in reports[:2]]
    for fmt in (OutputFormat.JSON, OutputFormat.SARIF, OutputFormat.TABLE):
        for many in (False, True):
            chosen = audits if many else audits[:1]
            joined = b"".join(stream_audits(fmt, chosen, many=many)).decode("utf-8")
            assert joined == render_audits(fmt, chosen, many=many)


def test_loaded_models_share_fields_sets_safely(in_root: None) -> None:
    """Components given the same fields share one fields-set; copying one with a change
    leaves the others' untouched."""
    from tests.conftest import load

    components = load("inventories/hospital-us-cloud.yaml").inventory.components
    by_fields: dict[frozenset[str], list[object]] = {}
    for c in components:
        by_fields.setdefault(frozenset(c.model_fields_set), []).append(c)
    first, second = next(group for group in by_fields.values() if len(group) == 2)
    assert isinstance(first, Component) and isinstance(second, Component)
    assert first.model_fields_set is second.model_fields_set
    before = set(second.model_fields_set)
    changed = first.model_copy(update={"notes": "x"})
    assert "notes" in changed.model_fields_set
    assert second.model_fields_set == before
