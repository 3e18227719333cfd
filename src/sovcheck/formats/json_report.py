"""The JSON report (the public contract): sorted keys, two-space indent, UTF-8, newline.

Version 2 (the default) says each thing once: the rule texts stand in ``rules``, findings
name their rule by id, and their paths are references to the ``paths`` table, a tree of
path steps that findings sharing a beginning share (so a deep chain, each of whose
components has a finding, is linear in size, not quadratic). Version 1 repeats the rule's
texts and the whole path in every finding (``--report-version 1``).
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Iterator, Sequence
from typing import Any

import orjson
from pydantic import BaseModel

from sovcheck import jsontext
from sovcheck.choices import LATEST_REPORT_VERSION, REPORT_VERSIONS
from sovcheck.model.report import Finding, Report, Status
from sovcheck.model.rubric import Severity

LATEST = LATEST_REPORT_VERSION
VERSIONS = REPORT_VERSIONS


def to_data(report: Report, *, findings: bool = True, version: int = LATEST) -> dict[str, Any]:
    """The report as JSON data of ``version``, keys sorted. Findings, which can number in
    the hundreds of thousands, are written field by field (what model_dump would give, ten
    times faster); without ``findings`` their list (and the path table) is left empty."""
    data, table = _head(report, version)
    if findings:
        if table is None:
            data["findings"] = [_finding(f) for f in report.findings]
        else:
            data["findings"] = [_encodable_v2(f, table.ref(f.path)) for f in report.findings]
    if table is not None:
        data["paths"] = _steps(table.nodes)
    ordered: dict[str, Any] = _sorted(data)
    return ordered


def _head(report: Report, version: int) -> tuple[dict[str, Any], PathTable | None]:
    """The report without its findings (an empty list), its keys in no particular order;
    for version 2, its risks' paths are references to the path table begun here (the
    findings' paths continue it), and ``paths`` is empty."""
    data: dict[str, Any] = report.model_dump(mode="json", exclude={"findings"})
    data["findings"] = []
    if version == 1:
        return data, None
    data["report_version"] = 2
    table = PathTable()
    for kind in ("cutoff", "single_points_of_failure"):
        for risk in data["risks"][kind]:
            risk["path"] = table.ref(tuple(risk["path"]))
    data["paths"] = []
    return data, table


def _require_finite(data: dict[str, Any]) -> None:
    """ValueError if the report's data holds NaN or an infinity, which orjson would write
    as null: only the fields whose type holds floats are searched (not the warnings,
    unknowns and other long lists of text)."""
    jsontext.require_finite([data[name] for name in _float_fields()])


@functools.cache
def _float_fields() -> tuple[str, ...]:
    # fields excluded from the JSON (the cost and energy summary) are not in ``data``
    return tuple(
        name
        for name, f in Report.model_fields.items()
        if not f.exclude and _holds_float(f.annotation)
    )


def _holds_float(annotation: Any) -> bool:
    if annotation is float:
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return any(_holds_float(f.annotation) for f in annotation.model_fields.values())
    return any(_holds_float(arg) for arg in typing.get_args(annotation))


class PathTable:
    """The ``paths`` of a version 2 report: each step a component and the index of the
    step before it (None for the first), in the order findings first need them, so that a
    step's parent always comes before it."""

    def __init__(self) -> None:
        # (component, parent) pairs, made dicts only as they are written: a million-
        # component audit has hundreds of thousands of steps
        self.nodes: list[tuple[str, int | None]] = []
        # every path (and beginning of one) met, and the index of its last step
        self._known: dict[tuple[str, ...], int | None] = {(): None}

    def ref(self, path: tuple[str, ...]) -> int | None:
        """The index of the step that ends ``path`` (None for an empty path)."""
        known = self._known
        at = known.get(path, -1)
        if at != -1:
            return at
        # the longest beginning of the path met before (often all of it but the last step)
        depth = len(path) - 1
        while (at := known.get(path[:depth], -1)) == -1:
            depth -= 1
        nodes = self.nodes
        for step in range(depth, len(path)):
            nodes.append((path[step], at))
            at = len(nodes) - 1
            known[path[: step + 1]] = at
        return at


def _steps(nodes: list[tuple[str, int | None]]) -> list[dict[str, Any]]:
    return [{"component": component, "parent": parent} for component, parent in nodes]


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

    orjson gives the bytes of json.dumps(sort_keys=True, indent=2, ensure_ascii=False) for
    data whose keys are in sorted order (every mapping here is built so), whose pure-Python
    encoder runs whenever indent is set (ten times slower). Report floats are rounded to at
    most 4 decimals, so none is written in exponent form, where the two would differ (1e-05
    vs 1e-5). The findings are spliced in where
    the empty list stands: JSON strings hold no raw newline, so a newline and the key's
    indent mark the place.
    """
    data, _ = _head(report, 1)
    _require_finite(data)
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
    data, table = _head(report, 2)
    assert table is not None
    _require_finite(data)
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
        level, (_steps(nodes[start : start + BATCH]) for start in range(0, len(nodes), BATCH))
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
        body = _encode(_nest(level, batch))[len(prefix) : -len(suffix)]
        yield (b"\n" if first else b",\n") + body
        first = False
    yield (b"]" if first else b"\n" + b"  " * (level + 1) + b"]")


def _nest(level: int, items: list[Any]) -> Any:
    """``items`` as a list under a key of a mapping nested in ``level`` lists."""
    nested: Any = {"items": items}
    for _ in range(level):
        nested = [nested]
    return nested


def _nesting(level: int) -> tuple[bytes, bytes]:
    """The encoded text before and after the items of ``_nest(level, ...)``: up to the
    first item's indent, and from the end of the last item."""
    text = _encode(_nest(level, [0]))
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
    # The engine builds findings in key order; validated ones are in field order.
    ordered = tuple(values) == _FINDING_KEYS
    data = dict(values) if ordered else {k: values[k] for k in _FINDING_KEYS}
    del data["references"], data["remediation"]
    loc = data["location"]
    data["location"] = {"column": loc.column, "file": loc.file, "line": loc.line}
    data["path"] = path
    data["severity"] = _ENUM_VALUES[data["severity"]]
    data["status"] = _ENUM_VALUES[data["status"]]
    if data["status_without_waiver"] is not None:
        data["status_without_waiver"] = _ENUM_VALUES[data["status_without_waiver"]]
    return data


def _encode(data: Any) -> bytes:
    """``data`` as JSON text indented by two spaces, its mappings' keys in their order."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2)


def _dumps(data: Any, level: int) -> bytes:
    """``data``, its mappings' keys sorted, as nested ``level`` deep."""
    text = orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
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
