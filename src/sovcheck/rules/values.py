"""Values of facts, including the unknown."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any


@dataclass(frozen=True)
class Unknown:
    """A fact that cannot be established, and the inventory fields that would establish it.

    Field names are paths a user can act on: ``supplier``, ``location``,
    ``organizations.acme.country``.
    """

    fields: frozenset[str]

    @staticmethod
    @cache
    def of(*fields: str) -> Unknown:
        """The unknown of these fields; one shared object per set of names (the same
        unknown is the value of a fact for many components)."""
        return Unknown(frozenset(fields))

    def __or__(self, other: Unknown) -> Unknown:
        return Unknown(self.fields | other.fields)


class Share(float):
    """A share of a whole (0 to 1), rendered as a percentage."""

    __slots__ = ()


@dataclass(frozen=True)
class Bounds:
    """A number known only to lie between ``low`` and ``high`` (both included): a share of
    spend when some costs are not stated, a holding reported only as "below 10 %".

    A comparison is decided when the whole range is on one side of the operand, and
    unknown (needing ``fields``) otherwise."""

    low: float
    high: float
    fields: frozenset[str]
    share: bool = False  # rendered as percentages

    def compare(self, op: str, operand: float) -> bool | Unknown:
        if op == "at_most":
            if self.high <= operand:
                return True
            if self.low > operand:
                return False
        elif op == "at_least":
            if self.low >= operand:
                return True
            if self.high < operand:
                return False
        elif op == "equals" and not self.low <= operand <= self.high:
            return False
        return Unknown(self.fields)


@dataclass(frozen=True)
class Claims:
    """Certifications an inventory claims for a component, each checked against the
    catalog: ``confirmed`` (the catalog records it for the supplier or its parents),
    ``contradicted`` (the catalog records it as in progress, expired or withdrawn) or
    unverified (the catalog says nothing of it). ``notes`` says why, for messages."""

    confirmed: frozenset[str]
    contradicted: frozenset[str]
    unverified: frozenset[str]
    notes: tuple[tuple[str, str], ...] = ()  # (certification, what the catalog says)

    def holds_any(self, wanted: frozenset[str]) -> bool | Unknown:
        """True when one of ``wanted`` is confirmed; unknown when none is but one is claimed
        without confirmation; false otherwise (not claimed, or contradicted)."""
        if self.confirmed & wanted:
            return True
        if self.unverified & wanted:
            return Unknown.of("certifications")
        return False


def decide_partial(value: Bounds | Claims, op: str, operand: Any) -> bool | Unknown:
    """A predicate on a partly known value: a range of numbers, or checked claims."""
    if isinstance(value, Bounds):
        return value.compare(op, operand)
    if op == "intersects":
        return value.holds_any(frozenset(operand))
    if op == "contains":
        return value.holds_any(frozenset({operand}))
    raise AssertionError(op)


PARTIAL = (Bounds, Claims)


class FactType(StrEnum):
    BOOL = "bool"
    TEXT = "text"
    NUMBER = "number"
    SHARE = "share"  # a number from 0 to 1, rendered as a percentage
    SET = "set"
    CLASSIFICATION = "classification"
    CLAIMS = "claims"  # certifications claimed, each confirmed, contradicted or unverified


def render(value: Any) -> str:
    """A fact value as plain words for messages."""
    if isinstance(value, Unknown):
        return "unknown"
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Share):
        return percent(value)
    if isinstance(value, Bounds):
        show = percent if value.share else _number
        if value.low <= 0:
            return f"at most {show(value.high)}"
        if value.high >= (1 if value.share else float("inf")):
            return f"at least {show(value.low)}"
        return f"between {show(value.low)} and {show(value.high)}"
    if isinstance(value, Claims):
        said = dict(value.notes)
        items = [
            c if c in value.confirmed else f"{c} ({said.get(c, 'not confirmed by the catalog')})"
            for c in sorted(value.confirmed | value.contradicted | value.unverified)
        ]
        return ", ".join(items) if items else "none"
    if isinstance(value, (frozenset, set, tuple, list)):
        items = sorted(str(v) for v in value)
        return ", ".join(items) if items else "none"
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, StrEnum):
        return value.value
    return str(value)


def percent(share: float) -> str:
    """0.3 -> "30 %", 0.2916 -> "29.16 %"."""
    return f"{share * 100:.4g} %"


def _number(value: float) -> str:
    return f"{value:.4g}"
