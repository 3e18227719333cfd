"""The JSON report (the public contract): sorted keys, two-space indent, UTF-8, newline.

Version 2 (the default) says each thing once: the rule texts stand in ``rules``, findings
name their rule by id, and their paths are references to the ``paths`` table, a tree of
path steps that findings sharing a beginning share (so a deep chain, each of whose
components has a finding, is linear in size, not quadratic). Version 1 repeats the rule's
texts and the whole path in every finding (``--report-version 1``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pydantic_core

from sovcheck import jsontext
from sovcheck.model.report import Finding, Report, Status
from sovcheck.model.rubric import Severity

LATEST = 2
VERSIONS = (1, 2)


def to_data(report: Report, *, findings: bool = True, version: int = LATEST) -> dict[str, Any]:
    """The report as JSON data of ``version``, keys sorted. Findings, which can number in
    the hundreds of thousands, are written field by field (what model_dump would give, ten
    times faster); without ``findings`` their list (and the path table) is left empty."""
    if version == 1:
        data: dict[str, Any] = _sorted(report.model_dump(mode="json", exclude={"findings"}))
        data["findings"] = [_finding(f) for f in report.findings] if findings else []
        return {key: data[key] for key in sorted(data)}
    data, table = _data_v2(report)
    if findings:
        data["findings"] = [_encodable_v2(f, table.ref(f.path)) for f in report.findings]
    data["paths"] = table.nodes
    return data


def _data_v2(report: Report) -> tuple[dict[str, Any], PathTable]:
    """A version 2 report without its findings, its risks' paths references to the path
    table begun here (the findings' paths continue it), ``findings`` and ``paths`` empty."""
    data: dict[str, Any] = _sorted(report.model_dump(mode="json", exclude={"findings"}))
    data["report_version"] = 2
    table = PathTable()
    for kind in ("cutoff", "single_points_of_failure"):
        for risk in data["risks"][kind]:
            risk["path"] = table.ref(tuple(risk["path"]))
    data["findings"] = []
    data["paths"] = []
    return {key: data[key] for key in sorted(data)}, table


class PathTable:
    """The ``paths`` of a version 2 report: each step a component and the index of the
    step before it (None for the first), in the order findings first need them, so that a
    step's parent always comes before it."""

    def __init__(self) -> None:
        self.nodes: list[dict[str, Any]] = []
        self._index: dict[tuple[int, str], int] = {}
        self._last: tuple[tuple[str, ...], int | None] = ((), None)

    def ref(self, path: tuple[str, ...]) -> int | None:
        """The index of the step that ends ``path`` (None for an empty path)."""
        last_path, last_ref = self._last
        if path is last_path or path == last_path:
            return last_ref
        at = -1
        index = self._index
        for component in path:
            key = (at, component)
            found = index.get(key)
            if found is None:
                found = index[key] = len(self.nodes)
                self.nodes.append({"component": component, "parent": None if at < 0 else at})
            at = found
        ref = None if at < 0 else at
        self._last = (path, ref)
        return ref


def _finding(f: Finding) -> dict[str, Any]:
    loc = f.location
    return {
        "component": f.component,
        "location": {"column": loc.column, "file": loc.file, "line": loc.line},
        "message": f.message,
        "objective": f.objective,
        "path": list(f.path),
        "references": list(f.references),
        "remediation": f.remediation,
        "rule": f.rule,
        "severity": f.severity.value,
        "status": f.status.value,
        "status_without_waiver": (
            None if f.status_without_waiver is None else f.status_without_waiver.value
        ),
        "unknown_fields": list(f.unknown_fields),
        "waived": f.waived,
        "waiver_reason": f.waiver_reason,
    }


# Findings encoded per batch: the report is written in pieces, so that its findings never
# exist all at once as dicts or as one encoded text (a million-component audit has
# millions of findings).
BATCH = 4096
_FINDING_KEYS = tuple(sorted(Finding.model_fields))


def render(report: Report, version: int = LATEST) -> str:
    return b"".join(render_chunks(report, version)).decode("utf-8")


def render_chunks(report: Report, version: int = LATEST) -> Iterator[bytes]:
    """The report as UTF-8 in pieces; joined, the bytes of ``json.dumps(to_data(report,
    version=version), sort_keys=True, indent=2, ensure_ascii=False) + "\n"``."""
    yield from _report_chunks(report, 0, version)
    yield b"\n"


def _report_chunks(report: Report, level: int, version: int) -> Iterator[bytes]:
    if version == 1:
        yield from _report_chunks_v1(report, level)
    else:
        yield from _report_chunks_v2(report, level)


def _report_chunks_v1(report: Report, level: int) -> Iterator[bytes]:
    """One report as JSON nested ``level`` deep (its first line not indented).

    pydantic_core's encoder gives the bytes of json.dumps(sort_keys=True, indent=2,
    ensure_ascii=False), whose pure-Python encoder runs whenever indent is set (ten times
    slower). Report floats are rounded to at most 4 decimals, so none is written in exponent
    form, where the two would differ (1e-05 vs 0.00001). The findings are spliced in where
    the empty list stands: JSON strings hold no raw newline, so a newline and the key's
    indent mark the place.
    """
    data = to_data(report, findings=False, version=1)
    # pydantic_core writes NaN and Infinity as bare tokens; findings hold no floats.
    jsontext.require_finite(data)
    text = _dumps(data, level)
    marker = b"\n" + b"  " * (level + 1) + b'"findings": []'
    head, found, tail = text.partition(marker)
    assert found, "every report has a findings key"
    if not report.findings:
        yield text
        return
    yield head + marker[:-1]
    findings = report.findings
    yield from _items(
        level,
        (
            [_encodable(f) for f in findings[start : start + BATCH]]
            for start in range(0, len(findings), BATCH)
        ),
    )
    yield tail


def _report_chunks_v2(report: Report, level: int) -> Iterator[bytes]:
    """Version 2, written as version 1 is: the findings, then the path table (the risks'
    paths, then the findings'), spliced in where their empty lists stand (``findings``
    sorts before ``paths``)."""
    data, table = _data_v2(report)
    jsontext.require_finite(data)
    text = _dumps(data, level)
    indent = b"\n" + b"  " * (level + 1)
    head, found, rest = text.partition(indent + b'"findings": []')
    middle, found_paths, tail = rest.partition(indent + b'"paths": []')
    assert found and found_paths, "every version 2 report has findings and paths keys"
    findings = report.findings
    yield head + indent + b'"findings": ['
    yield from _items(
        level,
        (
            [_encodable_v2(f, table.ref(f.path)) for f in findings[start : start + BATCH]]
            for start in range(0, len(findings), BATCH)
        ),
    )
    yield middle + indent + b'"paths": ['
    nodes = table.nodes
    yield from _items(
        level, (nodes[start : start + BATCH] for start in range(0, len(nodes), BATCH))
    )
    yield tail


def _items(level: int, batches: Iterator[list[Any]]) -> Iterator[bytes]:
    """The items of a list that is a key of a report nested ``level`` deep, each batch
    encoded as the encoder indents it there, then the list's closing bracket."""
    prefix, suffix = _nesting(level)
    first = True
    for batch in batches:
        if not batch:
            continue
        body = pydantic_core.to_json(_nest(level, batch), indent=2)[len(prefix) : -len(suffix)]
        yield (b"\n" if first else b",\n") + body
        first = False
    yield (b"]" if first else b"\n" + b"  " * (level + 1) + b"]")


def _nest(level: int, findings: list[Any]) -> Any:
    nested: Any = {"findings": findings}
    for _ in range(level):
        nested = [nested]
    return nested


def _nesting(level: int) -> tuple[bytes, bytes]:
    """The encoded text before and after the items of ``_nest(level, ...)``: up to the
    first item's indent, and from the end of the last item."""
    text = pydantic_core.to_json(_nest(level, [0]), indent=2)
    at = text.rindex(b"0")
    return text[: text.rindex(b"\n", 0, at) + 1], text[at + 1 :]


_ENUM_VALUES: dict[Any, str] = {m: m.value for enum in (Severity, Status) for m in enum}


def _encodable(f: Finding) -> dict[str, Any]:
    """A finding as the encoder writes it fastest: plain dicts, strings and tuples in key
    order (enums and the location model cost it twice as much)."""
    values = vars(f)
    # The engine builds findings in key order; validated ones are in field order.
    ordered = tuple(values) == _FINDING_KEYS
    data = dict(values) if ordered else {k: values[k] for k in _FINDING_KEYS}
    loc = data["location"]
    data["location"] = {"column": loc.column, "file": loc.file, "line": loc.line}
    data["severity"] = _ENUM_VALUES[data["severity"]]
    data["status"] = _ENUM_VALUES[data["status"]]
    if data["status_without_waiver"] is not None:
        data["status_without_waiver"] = _ENUM_VALUES[data["status_without_waiver"]]
    return data


def _encodable_v2(f: Finding, path: int | None) -> dict[str, Any]:
    """A version 2 finding in key order: what is its own (and its rule's objective and
    severity, which readers filter on), its rule's texts and its path by reference."""
    values = vars(f)
    loc = values["location"]
    without = values["status_without_waiver"]
    return {
        "component": values["component"],
        "location": {"column": loc.column, "file": loc.file, "line": loc.line},
        "message": values["message"],
        "objective": values["objective"],
        "path": path,
        "rule": values["rule"],
        "severity": _ENUM_VALUES[values["severity"]],
        "status": _ENUM_VALUES[values["status"]],
        "status_without_waiver": None if without is None else _ENUM_VALUES[without],
        "unknown_fields": values["unknown_fields"],
        "waived": values["waived"],
        "waiver_reason": values["waiver_reason"],
    }


def _dumps(data: Any, level: int) -> bytes:
    text: bytes = pydantic_core.to_json(data, indent=2)
    return text.replace(b"\n", b"\n" + b"  " * level) if level else text


def _sorted(value: Any) -> Any:
    """``value`` with the keys of every mapping in sorted order."""
    if isinstance(value, dict):
        return {
            key: _sorted(item) if isinstance(item, (dict, list)) else item
            for key, item in sorted(value.items())
        }
    if isinstance(value, list):
        return [_sorted(item) if isinstance(item, (dict, list)) else item for item in value]
    return value


def render_many(reports: Sequence[Report], version: int = LATEST) -> str:
    """Several audits: a JSON array of reports, each exactly as the contract describes."""
    return b"".join(render_many_chunks(reports, version)).decode("utf-8")


def render_many_chunks(reports: Sequence[Report], version: int = LATEST) -> Iterator[bytes]:
    if not reports:
        yield b"[]\n"
        return
    yield b"[\n  "
    for k, report in enumerate(reports):
        if k:
            yield b",\n  "
        yield from _report_chunks(report, 1, version)
    yield b"\n]\n"
