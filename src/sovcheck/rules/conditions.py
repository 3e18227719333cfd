"""Conditions over facts: predicates combined with all / any / not, in three-valued logic.

A rubric writes a condition as YAML data, for example::

    all:
      - {fact: handles, at_least: restricted}
      - not: {fact: control, in: [home, trusted]}

Nothing is evaluated as code. Compilation checks every fact name, operator and operand
against the fact registry and reports problems with their positions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sovcheck.errors import Problem
from sovcheck.load.document import PathItem, SourceMap
from sovcheck.load.validation import did_you_mean
from sovcheck.rules.columns import CLASS_RANK, ColumnTable
from sovcheck.rules.facts import FACTS
from sovcheck.rules.values import PARTIAL, FactType, Unknown, decide_partial

Truth = bool | Unknown
Lookup = Callable[[str], Any]


OPERATORS: dict[str, frozenset[FactType]] = {
    "equals": frozenset(FactType) - {FactType.CLAIMS},
    "in": frozenset({FactType.TEXT, FactType.CLASSIFICATION}),
    "not_in": frozenset({FactType.TEXT, FactType.CLASSIFICATION}),
    "is": frozenset({FactType.BOOL}),
    "at_least": frozenset({FactType.NUMBER, FactType.SHARE, FactType.CLASSIFICATION}),
    "at_most": frozenset({FactType.NUMBER, FactType.SHARE, FactType.CLASSIFICATION}),
    "intersects": frozenset({FactType.SET, FactType.CLAIMS}),
    "subset_of": frozenset({FactType.SET}),
    "contains": frozenset({FactType.SET, FactType.CLAIMS}),
    "empty": frozenset({FactType.SET}),
    "known": frozenset(FactType),
}
NUMERIC = frozenset({FactType.NUMBER, FactType.SHARE})


class Condition:
    def evaluate(self, lookup: Lookup) -> Truth:
        raise NotImplementedError

    def truth(self, table: ColumnTable) -> tuple[int, int]:
        """Over every component at once: the (true, false) bit sets of columns.py."""
        raise NotImplementedError

    def facts(self) -> set[str]:
        raise NotImplementedError


@dataclass(frozen=True)
class All(Condition):
    parts: tuple[Condition, ...]

    def evaluate(self, lookup: Lookup) -> Truth:
        unknown: Unknown | None = None
        for part in self.parts:
            value = part.evaluate(lookup)
            if value is False:
                return False
            if isinstance(value, Unknown):
                unknown = value if unknown is None else unknown | value
        return unknown if unknown is not None else True

    def facts(self) -> set[str]:
        return set().union(*(p.facts() for p in self.parts))

    def truth(self, table: ColumnTable) -> tuple[int, int]:
        true, false = table.all, 0
        for part in self.parts:
            t, f = part.truth(table)
            true &= t
            false |= f
        return true, false


@dataclass(frozen=True)
class AnyOf(Condition):
    parts: tuple[Condition, ...]

    def evaluate(self, lookup: Lookup) -> Truth:
        unknown: Unknown | None = None
        for part in self.parts:
            value = part.evaluate(lookup)
            if value is True:
                return True
            if isinstance(value, Unknown):
                unknown = value if unknown is None else unknown | value
        return unknown if unknown is not None else False

    def facts(self) -> set[str]:
        return set().union(*(p.facts() for p in self.parts))

    def truth(self, table: ColumnTable) -> tuple[int, int]:
        true, false = 0, table.all
        for part in self.parts:
            t, f = part.truth(table)
            true |= t
            false &= f
        return true, false


@dataclass(frozen=True)
class Not(Condition):
    part: Condition

    def evaluate(self, lookup: Lookup) -> Truth:
        value = self.part.evaluate(lookup)
        return value if isinstance(value, Unknown) else not value

    def facts(self) -> set[str]:
        return self.part.facts()

    def truth(self, table: ColumnTable) -> tuple[int, int]:
        true, false = self.part.truth(table)
        return false, true


@dataclass(frozen=True)
class Predicate(Condition):
    fact: str
    op: str
    operand: Any

    def facts(self) -> set[str]:
        return {self.fact}

    def truth(self, table: ColumnTable) -> tuple[int, int]:
        return table.predicate(self.fact, self.op, self.operand)

    def evaluate(self, lookup: Lookup) -> Truth:
        value = lookup(self.fact)
        if self.op == "known":
            return (not isinstance(value, Unknown)) is self.operand
        if isinstance(value, Unknown):
            return value
        op, operand = self.op, self.operand
        if isinstance(value, PARTIAL):
            return decide_partial(value, op, operand)
        ftype = FACTS[self.fact].type
        if ftype is FactType.CLASSIFICATION:
            rank = CLASS_RANK[value.value] if value is not None else 0
            if op == "at_least":
                return rank >= CLASS_RANK[operand]
            if op == "at_most":
                return rank <= CLASS_RANK[operand]
            text: str = value.value if value is not None else "none"
            if op == "equals":
                return bool(text == operand)
            if op == "in":
                return bool(text in operand)
            return bool(text not in operand)  # not_in
        if op == "equals":
            return bool(value == operand)
        if op == "is":
            return value is operand
        if op == "in":
            return bool(value in operand)
        if op == "not_in":
            return bool(value not in operand)
        if op == "at_least":
            return bool(value >= operand)
        if op == "at_most":
            return bool(value <= operand)
        if op == "intersects":
            return bool(set(value) & set(operand))
        if op == "subset_of":
            return set(value) <= set(operand)
        if op == "contains":
            return operand in value
        if op == "empty":
            return (len(value) == 0) is operand
        raise AssertionError(op)


class ConditionCompiler:
    """Compiles condition data into :class:`Condition` trees, collecting positioned problems."""

    def __init__(self, smap: SourceMap) -> None:
        self.smap = smap
        self.problems: list[Problem] = []

    def fail(self, path: Sequence[PathItem], message: str) -> None:
        self.problems.append(Problem(self.smap.locate(path), message))

    def compile(self, data: Any, path: tuple[PathItem, ...]) -> Condition:
        if not isinstance(data, dict) or not data:
            self.fail(
                path, "a condition is a mapping: {fact: ..., <operator>: ...}, all, any or not"
            )
            return All(())
        if "all" in data or "any" in data:
            key = "all" if "all" in data else "any"
            if len(data) != 1:
                self.fail(path, f"'{key}' stands alone in its mapping")
            parts = data[key]
            if not isinstance(parts, list) or not parts:
                self.fail((*path, key), f"'{key}' takes a non-empty list of conditions")
                return All(())
            compiled = tuple(self.compile(p, (*path, key, i)) for i, p in enumerate(parts))
            return All(compiled) if key == "all" else AnyOf(compiled)
        if "not" in data:
            if len(data) != 1:
                self.fail(path, "'not' stands alone in its mapping")
            return Not(self.compile(data["not"], (*path, "not")))
        return self._predicate(data, path)

    def _predicate(self, data: dict[str, Any], path: tuple[PathItem, ...]) -> Condition:
        fact = data.get("fact")
        if not isinstance(fact, str):
            unknown = [k for k in data if k != "fact"]
            self.fail(
                path,
                "a predicate needs 'fact: NAME' (or use all / any / not)"
                + (f"; found {', '.join(map(str, unknown))}" if unknown else ""),
            )
            return All(())
        spec = FACTS.get(fact)
        if spec is None:
            self.fail((*path, "fact"), f"unknown fact '{fact}'{did_you_mean(fact, sorted(FACTS))}")
            return All(())
        ops = [k for k in data if k != "fact"]
        if len(ops) != 1:
            self.fail(path, f"a predicate takes exactly one operator ({', '.join(OPERATORS)})")
            return All(())
        op = ops[0]
        if op not in OPERATORS:
            self.fail(path, f"unknown operator '{op}'{did_you_mean(op, sorted(OPERATORS))}")
            return All(())
        if spec.type not in OPERATORS[op]:
            self.fail((*path, op), f"operator '{op}' does not apply to fact '{fact}' ({spec.type})")
            return All(())
        operand = self._operand(spec.type, op, data[op], spec.choices, (*path, op))
        return Predicate(fact, op, operand)

    def _operand(
        self,
        ftype: FactType,
        op: str,
        value: Any,
        choices: tuple[str, ...],
        path: tuple[PathItem, ...],
    ) -> Any:
        if op in ("known", "empty", "is"):
            if not isinstance(value, bool):
                self.fail(path, f"'{op}' takes true or false")
            return value
        if op in ("in", "not_in", "intersects", "subset_of") or (
            op == "equals" and ftype is FactType.SET
        ):
            # A set fact equals a list of texts in any order: compared as sets.
            if not isinstance(value, list):
                self.fail(path, f"'{op}' takes a list")
                return frozenset()
            for index, v in enumerate(value):
                if not isinstance(v, str):
                    self.fail((*path, index), f"'{op}' takes a list of texts")
                    return frozenset()
                self._check_choice(ftype, v, choices, (*path, index))
            return frozenset(value)
        if ftype in NUMERIC and op in ("at_least", "at_most", "equals"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.fail(path, f"'{op}' on a number takes a number")
            return value
        if ftype is FactType.BOOL:  # equals
            if not isinstance(value, bool):
                self.fail(path, f"'{op}' on a bool fact takes true or false")
            return value
        if not isinstance(value, str):
            self.fail(path, f"'{op}' on a {ftype} fact takes a text")
            return ""
        self._check_choice(ftype, value, choices, path)
        return value

    def _check_choice(
        self, ftype: FactType, value: Any, choices: tuple[str, ...], path: tuple[PathItem, ...]
    ) -> None:
        if ftype is FactType.CLASSIFICATION and value not in CLASS_RANK:
            self.fail(path, f"'{value}' is not a classification ({', '.join(CLASS_RANK)})")
        elif choices and value not in choices:
            self.fail(
                path,
                f"'{value}' is not one of {', '.join(choices)}{did_you_mean(str(value), choices)}",
            )
