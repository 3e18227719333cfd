"""Saved ``audit --format json`` reports read back, version 1 or 2, as a Report.

Every reader of saved reports (``sovcheck diff``, ``--baseline``) goes through
:func:`read_report`: a version 2 report is expanded to the in-memory shape, its findings
given their rule's texts and whole paths again.
"""

from __future__ import annotations

from typing import Any

from sovcheck.errors import InputError, Problem
from sovcheck.load.document import Document, PathItem
from sovcheck.load.validation import validate_model
from sovcheck.model.report import (
    CutoffRisk,
    Report,
    Risks,
    SinglePointOfFailure,
    finding_unchecked,
)
from sovcheck.model.report_v2 import ReportV2

READABLE = (1, 2)


def is_report_data(data: Any) -> bool:
    return isinstance(data, dict) and "report_version" in data


def read_report(doc: Document) -> Report:
    """The report ``doc`` holds, or an InputError naming file, line and column."""
    return _report(doc, doc.data, ())


def read_reports(doc: Document) -> list[Report]:
    """The reports of a multi-inventory output (a JSON array of reports)."""
    assert isinstance(doc.data, list)
    return [_report(doc, data, (k,)) for k, data in enumerate(doc.data)]


def _report(doc: Document, data: Any, prefix: tuple[PathItem, ...]) -> Report:
    version = data.get("report_version") if isinstance(data, dict) else None
    if version == 1:
        return validate_model(doc, Report, data, prefix)
    if version == 2:
        return expand(validate_model(doc, ReportV2, data, prefix), doc, prefix)
    raise InputError(
        [
            Problem(
                doc.source_map.locate((*prefix, "report_version")),
                f"report_version {version!r} is not supported "
                f"(this sovcheck reads versions {', '.join(map(str, READABLE))})",
            )
        ]
    )


def expand(report: ReportV2, doc: Document, prefix: tuple[PathItem, ...] = ()) -> Report:
    """``report`` as a Report, its findings with their rule's texts and whole paths; an
    InputError (located in ``doc``) for a rule or path reference that leads nowhere."""
    smap = doc.source_map
    rules = {rule.id: rule for rule in report.rules}
    paths: list[tuple[str, ...]] = []
    problems: list[Problem] = []
    for k, step in enumerate(report.paths):
        if step.parent is None:
            paths.append((step.component,))
        elif 0 <= step.parent < k:
            paths.append((*paths[step.parent], step.component))
        else:
            problems.append(
                Problem(
                    smap.locate((*prefix, "paths", k, "parent")),
                    f"path step {k}: parent {step.parent} is not an earlier step of 'paths'",
                )
            )
            paths.append((step.component,))

    def path(ref: int | None, where: tuple[PathItem, ...]) -> tuple[str, ...] | None:
        if ref is None:
            return ()
        if 0 <= ref < len(paths):
            return paths[ref]
        problems.append(
            Problem(
                smap.locate((*prefix, *where, "path")),
                f"path {ref} is not an index of 'paths' (it has {len(paths)} steps)",
            )
        )
        return None

    findings = []
    for k, f in enumerate(report.findings):
        rule = rules.get(f.rule)
        if rule is None:
            problems.append(
                Problem(
                    smap.locate((*prefix, "findings", k, "rule")),
                    f"rule '{f.rule}' is not in the report's 'rules'",
                )
            )
            continue
        steps = path(f.path, ("findings", k))
        if steps is None:
            continue
        # validated as the report was read: built as the engine builds findings
        findings.append(
            finding_unchecked(
                {
                    "component": f.component,
                    "location": f.location,
                    "message": f.message,
                    "objective": f.objective,
                    "path": steps,
                    "references": rule.references,
                    "remediation": rule.remediation,
                    "rule": f.rule,
                    "severity": f.severity,
                    "status": f.status,
                    "status_without_waiver": f.status_without_waiver,
                    "unknown_fields": f.unknown_fields,
                    "waived": f.waived,
                    "waiver_reason": f.waiver_reason,
                }
            )
        )
    risks = report.risks
    cutoff = [
        CutoffRisk(component=r.component, reason=r.reason, path=steps)
        for k, r in enumerate(risks.cutoff)
        if (steps := path(r.path, ("risks", "cutoff", k))) is not None
    ]
    spofs = [
        SinglePointOfFailure(component=r.component, dominated=r.dominated, path=steps)
        for k, r in enumerate(risks.single_points_of_failure)
        if (steps := path(r.path, ("risks", "single_points_of_failure", k))) is not None
    ]
    if problems:
        raise InputError(problems)
    fields = {name: getattr(report, name) for name in Report.model_fields}
    return Report(
        **{
            **fields,
            "report_version": 1,
            "findings": tuple(findings),
            "risks": Risks(
                cutoff=tuple(cutoff),
                single_points_of_failure=tuple(spofs),
                foreign_spend_share=risks.foreign_spend_share,
                cutoff_exposed=risks.cutoff_exposed,
            ),
        }
    )
