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
from sovcheck.rules.questions import establish_all
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


class _RuleWaivers:
    """One rule's waivers. A finding takes the first active waiver, in inventory order,
    that names its component or names none; looked up, not searched, as an estate may
    waive a rule for thousands of components."""

    def __init__(self, uses: list[_WaiverUse]) -> None:
        self.for_component: dict[str, _WaiverUse] = {}
        self.for_all: _WaiverUse | None = None
        for use in uses:
            if not use.active:
                continue
            if use.waiver.component is not None:
                self.for_component.setdefault(use.waiver.component, use)
            elif self.for_all is None:
                self.for_all = use

    def match(self, component: str | None) -> _WaiverUse | None:
        named = None if component is None else self.for_component.get(component)
        if named is None or self.for_all is None:
            return named or self.for_all
        return named if named.index < self.for_all.index else self.for_all


def evaluate(
    loaded: LoadedInventory,
    facts: AuditFacts,
    rubric: LoadedRubric,
    *,
    today: dt.date,
    include_passed: bool = False,
    words: bool = True,
) -> EngineResult:
    """The rubric's findings and tallies. Without ``words`` the findings carry no message
    and no path (and the facts only messages name are not computed): statuses, tallies
    and scores are the same, for a caller that only compares scores (a gap plan)."""
    waivers = [
        _WaiverUse(w, i, active=w.expires >= today) for i, w in enumerate(loaded.inventory.waivers)
    ]
    uses_by_rule: dict[str, list[_WaiverUse]] = {}
    for use in waivers:
        uses_by_rule.setdefault(use.waiver.rule, []).append(use)
    by_rule = {rule: _RuleWaivers(uses) for rule, uses in uses_by_rule.items()}

    per_rule: dict[str, list[Finding]] = {}
    tallies: list[RuleTally] = []
    unknowns: dict[tuple[str | None, str], set[str]] = {}
    chain = facts.chain

    table = ColumnTable(facts)
    builder = _Findings(loaded, facts, words)

    def record(
        tally: RuleTally,
        rule_findings: _RuleFindings,
        i: int | None,
        applies: Any,
        outcome: Any,
        rule_waivers: _RuleWaivers | None,
    ) -> None:
        """One finding that is not a pass: its status, waiver, unknown fields and message."""
        status = Status.FAIL if outcome is False and applies is True else Status.UNKNOWN
        missing: frozenset[str] = frozenset()
        for part in (applies, outcome):
            if isinstance(part, Unknown):
                missing |= part.fields
        component_id = None if i is None else chain.ids[i]
        waiver = rule_waivers.match(component_id) if rule_waivers else None
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
                unknowns.setdefault(_unknown_key(component_id, name), set()).add(
                    rule_findings.rule_id
                )
        rule_findings.add(i, status, waiver, tuple(sorted(missing)))

    for compiled in rubric.rules:
        rule = compiled.rule
        tally = RuleTally(compiled)
        tallies.append(tally)
        rule_waivers = by_rule.get(rule.id)
        rule_findings = builder.for_rule(compiled)
        per_rule[rule.id] = rule_findings.findings
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
                    rule_findings.add(None, Status.PASS, None, ())
            else:
                record(tally, rule_findings, None, applies, outcome, rule_waivers)
            continue
        # Every component at once; per component only where a finding is reported, in the
        # report's order (by component id).
        applies_true, applies_false = compiled.applies_to.truth(table)
        check_true, check_false = compiled.check.truth(table)
        applicable = table.all ^ applies_false
        passed = check_true & applicable
        failing = applies_true & check_false
        tally.not_applicable = applies_false.bit_count()
        tally.passed = passed.bit_count()
        reported = applicable if include_passed else applicable ^ passed
        # Failures without a waiver, the bulk of a large audit, in one loop; then the rest
        # one by one (waived, unknown, passed); then both merged in component order.
        bulk: list[int] = []
        rest = reported
        if not rule_waivers:
            bulk = builder.in_id_order(table.indices(failing))
            rule_findings.add_failures(bulk)
            tally.failed += len(bulk)
            rest = reported ^ failing
        fails = set() if not rule_waivers else set(table.indices(failing))
        passes = set(table.indices(passed)) if include_passed else set()
        others = builder.in_id_order(table.indices(rest))
        # What is unknown, and why, depends only on the values of the facts the rule reads:
        # evaluated once per combination of value objects (many components share them).
        used = [
            facts.column(name)
            for name in sorted(compiled.applies_to.facts() | compiled.check.facts())
            if FACTS[name].scope == "component"
        ]
        outcomes: dict[tuple[int, ...], tuple[Any, Any]] = {}
        for i in others:
            if i in fails:
                record(tally, rule_findings, i, True, False, rule_waivers)
            elif i in passes:
                rule_findings.add(i, Status.PASS, None, ())
            else:
                key = tuple([id(column[i]) for column in used])
                found = outcomes.get(key)
                if found is None:
                    lookup = _lookup(facts, i)
                    found = outcomes[key] = (
                        compiled.applies_to.evaluate(lookup),
                        compiled.check.evaluate(lookup),
                    )
                record(tally, rule_findings, i, found[0], found[1], rule_waivers)
        if bulk and others:
            builder.merge(rule_findings.findings, bulk + others)

    # Sorted by rule, then component: each rule's list is already in component order.
    findings = [f for rule_id in sorted(per_rule) for f in per_rule[rule_id]]
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


class _Findings:
    """Builds findings; what several findings share (a component's location, a path, a
    rendered value) is computed once and the same object reused."""

    def __init__(self, loaded: LoadedInventory, facts: AuditFacts, words: bool) -> None:
        self.loaded = loaded
        self.facts = facts
        self.words = words
        self.ids = facts.chain.ids
        self.locations: dict[int | None, SourceLocation] = {}
        self.paths: dict[str, dict[int, tuple[str, ...]]] = {}
        # Rendered fact values by identity: the columns keep every value alive for the
        # audit, and the same object stands for a supplier's or a location's value in
        # thousands of components.
        self.rendered: dict[int, str] = {}
        self._rank: list[int] | None = None

    def in_id_order(self, indices: list[int]) -> list[int]:
        if self._rank is None:
            ids = self.ids
            self._rank = [0] * len(ids)
            for rank, i in enumerate(sorted(range(len(ids)), key=ids.__getitem__)):
                self._rank[i] = rank
        return sorted(indices, key=self._rank.__getitem__)

    def merge(self, findings: list[Finding], indices: list[int]) -> None:
        """Put ``findings``, made for the components ``indices`` (two runs, each in id
        order), in component-id order, in place."""
        assert self._rank is not None
        rank = self._rank
        order = sorted(range(len(indices)), key=lambda k: rank[indices[k]])
        findings[:] = [findings[k] for k in order]

    def for_rule(self, compiled: CompiledRule) -> _RuleFindings:
        return _RuleFindings(self, compiled)

    def location(self, i: int | None) -> SourceLocation:
        found = self.locations.get(i)
        if found is None:
            if i is None:
                loc = self.loaded.locate(("system",))
            else:
                loc = self.loaded.component_location(self.ids[i])
            found = self.locations[i] = source_location(loc.file, loc.line, loc.column)
        return found

    def render(self, value: Any) -> str:
        text = self.rendered.get(id(value))
        if text is None:
            text = self.rendered[id(value)] = render(value)
        return text


class _RuleFindings:
    """The findings of one rule, with what they all share worked out once."""

    def __init__(self, builder: _Findings, compiled: CompiledRule) -> None:
        rule = compiled.rule
        self.builder = builder
        self.facts = builder.facts
        self.rule_id = rule.id
        self.rule = rule
        self.findings: list[Finding] = []
        self.remediation = rule.remediation.strip()
        self.paths = builder.paths.setdefault(rule.path, {})
        self.words = builder.words
        if not self.words:
            self.fail_parts: list[str | list[Any] | None] = []
            self.pass_parts: list[str | list[Any] | None] | None = None
            self.unknown_parts: list[str | list[Any] | None] | None = None
            return
        # Each wording: literal text at even positions, placeholders at odd ones, each
        # either a column (a component fact), a text (a system fact) or None (the path).
        self.fail_parts = self._parts(rule.message)
        self.pass_parts = None if rule.pass_message is None else self._parts(rule.pass_message)
        self.unknown_parts = (
            None if rule.unknown_message is None else self._parts(rule.unknown_message)
        )

    def _parts(self, text: str) -> list[str | list[Any] | None]:
        parts: list[str | list[Any] | None] = []
        for k, part in enumerate(PLACEHOLDER.split(text)):
            if not k % 2:
                parts.append(part)
            elif part == "path":
                parts.append(None)
            elif self.rule.scope == "system" or FACTS[part].scope == "system":
                parts.append(render(self.facts.system(part)))
            else:
                parts.append(self.facts.column(part))
        return parts

    def _render(
        self, parts: list[str | list[Any] | None], i: int | None, path: tuple[str, ...]
    ) -> str:
        out = []
        builder = self.builder
        for part in parts:
            if type(part) is str:
                out.append(part)
            elif part is None:
                out.append(" -> ".join(path))
            else:
                assert i is not None
                out.append(builder.render(part[i]))
        return "".join(out).strip()

    def message(
        self, i: int | None, status: Status, path: tuple[str, ...], missing: tuple[str, ...]
    ) -> str:
        """The finding's words for its status: a failure, evidence of a pass, or what to
        establish and where."""
        if status is Status.FAIL:
            return self._render(self.fail_parts, i, path)
        subject = "" if i is None else f"{self.builder.ids[i]}: "
        if status is Status.PASS:
            if self.pass_parts is not None:
                return self._render(self.pass_parts, i, path)
            return f"{subject}meets '{self.rule.title}'"
        if self.unknown_parts is not None:
            head = self._render(self.unknown_parts, i, path)
        else:
            head = f"{subject}cannot establish '{self.rule.title}'"
        questions = establish_all(missing)
        return f"{head}: {questions}" if questions else head

    def add_failures(self, indices: list[int]) -> None:
        """Failing findings without a waiver, for ``indices`` in that order."""
        add = self.add
        for i in indices:
            add(i, Status.FAIL, None, ())

    def add(
        self, i: int | None, status: Status, waiver: _WaiverUse | None, missing: tuple[str, ...]
    ) -> None:
        rule = self.rule
        builder = self.builder
        path: tuple[str, ...] = ()
        if i is None:
            component = None
        else:
            component = builder.ids[i]
            if self.words:
                found = self.paths.get(i)
                if found is None:
                    found = self.paths[i] = _path(self.facts, rule.path, i)
                path = found
        message = self.message(i, status, path, missing) if self.words else ""
        # Every value here comes from validated models: no second validation.
        self.findings.append(
            finding_unchecked(
                {  # in key order: the JSON report encodes this dict as it is
                    "component": component,
                    "location": builder.location(i),
                    "message": message,
                    "objective": rule.objective,
                    "path": path,
                    "references": rule.references,
                    "remediation": self.remediation,
                    "rule": rule.id,
                    "severity": rule.severity,
                    "status": Status.WAIVED if waiver is not None else status,
                    "status_without_waiver": status if waiver is not None else None,
                    "unknown_fields": missing,
                    "waived": waiver is not None,
                    "waiver_reason": waiver.waiver.reason if waiver is not None else None,
                },
            )
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
