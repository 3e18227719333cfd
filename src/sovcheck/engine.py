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
from sovcheck.model.report import Finding, Status, WaiverState, finding_unchecked
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
        lookup = _lookup(facts, i)
        findings.append(
            _finding(loaded, facts, compiled, i, status, lookup, waiver, tuple(sorted(missing)))
        )

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
                    findings.append(
                        _finding(loaded, facts, compiled, None, Status.PASS, lookup, None)
                    )
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
                lookup = _lookup(facts, i)
                findings.append(_finding(loaded, facts, compiled, i, Status.PASS, lookup, None))
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


def _finding(
    loaded: LoadedInventory,
    facts: AuditFacts,
    compiled: CompiledRule,
    i: int | None,
    status: Status,
    lookup: Callable[[str], Any],
    waiver: _WaiverUse | None,
    missing: tuple[str, ...] = (),
) -> Finding:
    rule = compiled.rule
    chain = facts.chain
    if i is None:
        component = None
        path: tuple[str, ...] = ()
        loc = loaded.locate(("system",))
    else:
        component = chain.ids[i]
        path = _path(facts, rule.path, i)
        loc = loaded.component_location(component)
    if status is Status.UNKNOWN:
        subject = f"{component}: " if component else ""
        message = f"{subject}cannot establish '{rule.title}'; unknown: {', '.join(missing)}"
    else:
        message = _render_message(rule.message, lookup, path)
    # Every value here comes from validated models: no second validation.
    return finding_unchecked(
        (loc.file, loc.line, loc.column),
        rule=rule.id,
        objective=rule.objective,
        severity=rule.severity,
        status=Status.WAIVED if waiver is not None else status,
        component=component,
        message=message,
        path=path,
        remediation=rule.remediation.strip(),
        references=rule.references,
        waived=waiver is not None,
        waiver_reason=waiver.waiver.reason if waiver is not None else None,
        status_without_waiver=status if waiver is not None else None,
        unknown_fields=missing,
    )


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


def _render_message(template: str, lookup: Callable[[str], Any], path: tuple[str, ...]) -> str:
    def replace(match: Any) -> str:
        name = match.group(1)
        if name == "path":
            return " -> ".join(path)
        return render(lookup(name))

    return PLACEHOLDER.sub(replace, template).strip()
