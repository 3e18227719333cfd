"""Evaluate a rubric over an inventory's facts: findings, per-rule tallies, unknowns.

Pure: no I/O, no clock (the caller passes today's date for waiver expiry), sorted output.
Passing findings are tallied per rule and only materialised when asked for, so a large
inventory does not turn into millions of objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sovcheck.load.inventory import LoadedInventory
from sovcheck.load.rubric import PLACEHOLDER, CompiledRule, LoadedRubric
from sovcheck.model.inventory import Waiver
from sovcheck.model.report import (
    Finding,
    SourceLocation,
    Status,
    WaiverState,
    finding_unchecked,
    source_location,
)
from sovcheck.rules.columns import ColumnTable
from sovcheck.rules.facts import FACTS, AuditFacts
from sovcheck.rules.values import Unknown, render


@dataclass
class RuleTally:
    """How a rule fared: counts by status, with waived findings counted under their
    original status too so that raw and waived scores can both be computed."""

    rule: CompiledRule
    passed: int = 0
    failed: int = 0
    unknown: int = 0
    waived_failed: int = 0
    waived_unknown: int = 0
    not_applicable: int = 0

    @property
    def applicable(self) -> int:
        return self.passed + self.failed + self.unknown + self.waived_failed + self.waived_unknown


@dataclass
class EngineResult:
    tallies: list[RuleTally]
    findings: list[Finding]
    waivers: list[WaiverState]
    unknowns: dict[tuple[str | None, str], set[str]] = field(default_factory=dict)


@dataclass
class _WaiverUse:
    waiver: Waiver
    index: int
    active: bool
    matched: int = 0


def evaluate(
    loaded: LoadedInventory,
    facts: AuditFacts,
    rubric: LoadedRubric,
    *,
    today: dt.date,
    include_passed: bool = False,
) -> EngineResult:
    waivers = [
        _WaiverUse(w, i, active=w.expires >= today) for i, w in enumerate(loaded.inventory.waivers)
    ]
    by_rule: dict[str, list[_WaiverUse]] = {}
    for use in waivers:
        by_rule.setdefault(use.waiver.rule, []).append(use)

    findings: list[Finding] = []
    tallies: list[RuleTally] = []
    unknowns: dict[tuple[str | None, str], set[str]] = {}
    chain = facts.chain

    table = ColumnTable(facts)
    make = _Findings(loaded, facts).make

    def record(
        compiled: CompiledRule,
        tally: RuleTally,
        i: int | None,
        applies: Any,
        outcome: Any,
        rule_waivers: list[_WaiverUse],
    ) -> None:
        """One finding that is not a pass: its status, waiver, unknown fields and message."""
        rule = compiled.rule
        status = Status.FAIL if outcome is False and applies is True else Status.UNKNOWN
        missing: frozenset[str] = frozenset()
        for part in (applies, outcome):
            if isinstance(part, Unknown):
                missing |= part.fields
        component_id = None if i is None else chain.ids[i]
        waiver = _matching_waiver(rule_waivers, component_id)
        if waiver is not None:
            waiver.matched += 1
            if status is Status.FAIL:
                tally.waived_failed += 1
            else:
                tally.waived_unknown += 1
        elif status is Status.FAIL:
            tally.failed += 1
        else:
            tally.unknown += 1
        if status is Status.UNKNOWN:
            for name in missing:
                unknowns.setdefault(_unknown_key(component_id, name), set()).add(rule.id)
        findings.append(make(compiled, i, status, waiver, tuple(sorted(missing))))

    for compiled in rubric.rules:
        rule = compiled.rule
        tally = RuleTally(compiled)
        tallies.append(tally)
        rule_waivers = by_rule.get(rule.id, [])
        if rule.scope == "system":
            lookup = _lookup(facts, None)
            applies = compiled.applies_to.evaluate(lookup)
            if applies is False:
                tally.not_applicable += 1
                continue
            outcome = compiled.check.evaluate(lookup)
            if outcome is True:
                tally.passed += 1
                if include_passed:
                    findings.append(make(compiled, None, Status.PASS, None))
            else:
                record(compiled, tally, None, applies, outcome, rule_waivers)
            continue
        # Every component at once; per component only where a finding is reported.
        applies_true, applies_false = compiled.applies_to.truth(table)
        check_true, check_false = compiled.check.truth(table)
        applicable = table.all ^ applies_false
        passed = check_true & applicable
        tally.not_applicable = applies_false.bit_count()
        tally.passed = passed.bit_count()
        if include_passed:
            for i in table.indices(passed):
                findings.append(make(compiled, i, Status.PASS, None))
        failed = set(table.indices(applies_true & check_false))
        for i in table.indices(applicable ^ passed):
            if i in failed:
                record(compiled, tally, i, True, False, rule_waivers)
            else:
                lookup = _lookup(facts, i)
                applies = compiled.applies_to.evaluate(lookup)
                record(compiled, tally, i, applies, compiled.check.evaluate(lookup), rule_waivers)

    findings.sort(key=lambda f: (f.rule, f.component or "", f.status.value))
    waiver_states = [
        WaiverState(
            rule=u.waiver.rule,
            component=u.waiver.component,
            reason=u.waiver.reason,
            expires=u.waiver.expires.isoformat(),
            status="expired" if not u.active else ("active" if u.matched else "unused"),
            matched=u.matched,
        )
        for u in waivers
    ]
    return EngineResult(tallies, findings, waiver_states, unknowns)


def _unknown_key(component: str | None, name: str) -> tuple[str | None, str]:
    """Fields of the system or of organizations are not fields of the component."""
    if name.startswith(("system.", "organizations.")):
        return None, name
    return component, name


def _lookup(facts: AuditFacts, i: int | None) -> Callable[[str], Any]:
    if i is None:
        return facts.system

    def lookup(name: str) -> Any:
        if FACTS[name].scope == "system":
            return facts.system(name)
        return facts.get(i, name)

    return lookup


def _matching_waiver(candidates: list[_WaiverUse], component: str | None) -> _WaiverUse | None:
    for use in candidates:
        if use.active and (use.waiver.component is None or use.waiver.component == component):
            return use
    return None


class _Findings:
    """Builds findings; what several findings share (a component's location, a path, a
    message template, a rendered value) is computed once and the same object reused."""

    def __init__(self, loaded: LoadedInventory, facts: AuditFacts) -> None:
        self.loaded = loaded
        self.facts = facts
        self.ids = facts.chain.ids
        self._locations: dict[int | None, SourceLocation] = {}
        self._paths: dict[tuple[str, int], tuple[str, ...]] = {}
        self._templates: dict[str, list[str]] = {}
        self._rendered: dict[tuple[type, Any], str] = {}
        self._remediations: dict[str, str] = {}

    def make(
        self,
        compiled: CompiledRule,
        i: int | None,
        status: Status,
        waiver: _WaiverUse | None,
        missing: tuple[str, ...] = (),
    ) -> Finding:
        rule = compiled.rule
        if i is None:
            component = None
            path: tuple[str, ...] = ()
        else:
            component = self.ids[i]
            path = self.path(rule.path, i)
        if status is Status.UNKNOWN:
            subject = f"{component}: " if component else ""
            message = f"{subject}cannot establish '{rule.title}'; unknown: {', '.join(missing)}"
        else:
            message = self.message(rule.message, i, path)
        remediation = self._remediations.get(rule.id)
        if remediation is None:
            remediation = self._remediations[rule.id] = rule.remediation.strip()
        # Every value here comes from validated models: no second validation.
        return finding_unchecked(
            self.location(i),
            rule=rule.id,
            objective=rule.objective,
            severity=rule.severity,
            status=Status.WAIVED if waiver is not None else status,
            component=component,
            message=message,
            path=path,
            remediation=remediation,
            references=rule.references,
            waived=waiver is not None,
            waiver_reason=waiver.waiver.reason if waiver is not None else None,
            status_without_waiver=status if waiver is not None else None,
            unknown_fields=missing,
        )

    def location(self, i: int | None) -> SourceLocation:
        found = self._locations.get(i)
        if found is None:
            if i is None:
                loc = self.loaded.locate(("system",))
            else:
                loc = self.loaded.component_location(self.ids[i])
            found = self._locations[i] = source_location(loc.file, loc.line, loc.column)
        return found

    def path(self, kind: str, i: int) -> tuple[str, ...]:
        key = (kind, i)
        found = self._paths.get(key)
        if found is None:
            found = self._paths[key] = _path(self.facts, kind, i)
        return found

    def message(self, template: str, i: int | None, path: tuple[str, ...]) -> str:
        """The rule's message with its placeholders filled in for component ``i``."""
        parts = self._templates.get(template)
        if parts is None:
            # Literal text at even positions, placeholder names at odd ones.
            parts = self._templates[template] = PLACEHOLDER.split(template)
        facts = self.facts
        out = []
        for k, part in enumerate(parts):
            if not k % 2:
                out.append(part)
            elif part == "path":
                out.append(" -> ".join(path))
            else:
                if i is None or FACTS[part].scope == "system":
                    value = facts.system(part)
                else:
                    value = facts.get(i, part)
                key = (type(value), value)
                text = self._rendered.get(key)
                if text is None:
                    text = self._rendered[key] = render(value)
                out.append(text)
        return "".join(out).strip()


def _path(facts: AuditFacts, kind: str, i: int) -> tuple[str, ...]:
    chain = facts.chain
    if kind == "data":
        reach = chain.data_reach(i)
        if reach is not None:
            return reach.path
    elif kind == "operational":
        found = chain.operational_path(i)
        if found:
            return found
    elif kind == "cutoff":
        found = facts.cutoff_path(i)
        if found:
            return found
    return chain.reach_path(i) or (chain.ids[i],)
