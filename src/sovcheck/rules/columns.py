"""Conditions evaluated over every component at once.

A truth vector holds one of true, false or unknown per component. It is kept as two Python
integers, the components that are true and those that are false, with component ``i`` at
bit ``8 * i``: ``int.from_bytes`` turns a bytes object of 0s and 1s into such an integer in
C, and ``&``, ``|``, ``^`` and ``bit_count`` then work on all components in one operation.
Kleene logic follows: all() is true where every part is true and false where any part is
false; any() the reverse; not() swaps true and false; unknown is whatever is left.

Each fact is read once per component into a column; each predicate is computed once per
audit over its column (cached by fact, operator and operand).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from itertools import repeat
from typing import Any

from sovcheck.model.inventory import Classification
from sovcheck.rules.facts import FACTS, AuditFacts
from sovcheck.rules.values import PARTIAL, FactType, Unknown, decide_partial

Truth = tuple[int, int]  # (true, false) bit sets; unknown = everything else

# Classifications by rank; "none" (no classified data) below them all.
CLASS_RANK = {"none": 0, **{c.value: c.rank for c in Classification}}
_ONE = re.compile(b"\x01")
_PLACEHOLDER = Unknown.of()
# Only these types of facts hold ranges (shares, numbers) or checked claims.
_MAY_BE_PARTIAL = frozenset({FactType.SHARE, FactType.NUMBER, FactType.CLAIMS})


class ColumnTable:
    """Fact columns of one audit, computed on demand and kept."""

    def __init__(self, facts: AuditFacts) -> None:
        self.facts = facts
        self.n = len(facts.chain)
        self.all = int.from_bytes(b"\x01" * self.n, "little")
        self._unknown: dict[str, int] = {}
        self._predicates: dict[tuple[str, str, Any], Truth] = {}
        self._partial: dict[str, list[int]] = {}

    def column(self, name: str) -> list[Any]:
        return self.facts.column(name)

    def unknown(self, name: str) -> int:
        """Components whose value of ``name`` is unknown (a partly known value, such as a
        range or checked claims, is known: the operator decides what it says)."""
        mask = self._unknown.get(name)
        if mask is None:
            col = self.column(name)
            mask = self.bits(map(isinstance, col, repeat(Unknown)))
            self._unknown[name] = mask
        return mask

    def bits(self, flags: Any) -> int:
        """A bit set from an iterable of booleans, one per component."""
        return int.from_bytes(bytes(flags), "little")

    def indices(self, mask: int) -> list[int]:
        """The components a bit set holds, in order."""
        data = mask.to_bytes(self.n, "little")
        return [m.start() for m in _ONE.finditer(data)]

    def predicate(self, fact: str, op: str, operand: Any) -> Truth:
        key = (fact, op, operand if not isinstance(operand, list) else tuple(operand))
        cached = self._predicates.get(key)
        if cached is None:
            cached = self._compute(fact, op, operand)
            self._predicates[key] = cached
        return cached

    def _compute(self, fact: str, op: str, operand: Any) -> Truth:
        unknown = self.unknown(fact)
        if op == "known":
            known = self.all ^ unknown
            return (known, unknown) if operand else (unknown, known)
        col = self.column(fact)
        partial = self._partial_at(fact, col)
        if partial:
            # Partly known values (ranges, checked claims) are decided one by one, by value
            # and operand; the others as a column, with the partial ones taken as unknown.
            plain = list(col)
            undecided = unknown
            for k in partial:
                plain[k] = _PLACEHOLDER
                undecided |= 1 << (8 * k)
            true, false = self._truth_of(FACTS[fact].type, op, operand, plain, undecided)
            for k in partial:
                decided = decide_partial(col[k], op, operand)
                bit = 1 << (8 * k)
                if decided is True:
                    true |= bit
                elif decided is False:
                    false |= bit
            return true, false
        return self._truth_of(FACTS[fact].type, op, operand, col, unknown)

    def _partial_at(self, fact: str, col: list[Any]) -> list[int]:
        """Where a column holds partly known values (ranges, checked claims), once per fact."""
        found = self._partial.get(fact)
        if found is None:
            found = self._partial[fact] = (
                [k for k, v in enumerate(col) if isinstance(v, PARTIAL)]
                if FACTS[fact].type in _MAY_BE_PARTIAL
                else []
            )
        return found

    def _truth_of(
        self, ftype: FactType, op: str, operand: Any, col: list[Any], unknown: int
    ) -> Truth:
        match = self.bits(_matcher(ftype, op, operand, col))
        true = match & ~unknown
        return true, self.all ^ (true | unknown)


def _matcher(ftype: FactType, op: str, operand: Any, col: list[Any]) -> Any:
    """Booleans, one per component, for a predicate over known values (unknown ones give
    anything: they are masked out by the caller)."""
    if ftype is FactType.CLASSIFICATION:
        ranks = [
            -1 if isinstance(v, Unknown) else (0 if v is None else CLASS_RANK[v.value]) for v in col
        ]
        texts = ["" if isinstance(v, Unknown) else ("none" if v is None else v.value) for v in col]
        if op == "at_least":
            return map(operator.ge, ranks, repeat(CLASS_RANK[operand]))
        if op == "at_most":
            return map(operator.le, ranks, repeat(CLASS_RANK[operand]))
        if op == "equals":
            return map(operator.eq, texts, repeat(operand))
        if op == "in":
            return map(operand.__contains__, texts)
        return (t not in operand for t in texts)  # not_in
    if op == "equals":
        return map(operator.eq, col, repeat(operand))
    if op == "is":
        return map(operator.is_, col, repeat(operand))
    if op == "in":
        return map(operand.__contains__, col)
    if op == "not_in":
        return (v not in operand for v in col)
    test = _SCALAR_TESTS[op]
    return (not isinstance(v, Unknown) and test(v, operand) for v in col)


_SCALAR_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "at_least": lambda v, x: bool(v >= x),
    "at_most": lambda v, x: bool(v <= x),
    "intersects": lambda v, x: bool(set(v) & set(x)),
    "subset_of": lambda v, x: set(v) <= set(x),
    "contains": lambda v, x: x in v,
    "empty": lambda v, x: (len(v) == 0) is x,
}
