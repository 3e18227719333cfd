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


class FactType(StrEnum):
    BOOL = "bool"
    TEXT = "text"
    NUMBER = "number"
    SET = "set"
    CLASSIFICATION = "classification"


def render(value: Any) -> str:
    """A fact value as plain words for messages."""
    if isinstance(value, Unknown):
        return "unknown"
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (frozenset, set, tuple, list)):
        items = sorted(str(v) for v in value)
        return ", ".join(items) if items else "none"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, StrEnum):
        return value.value
    return str(value)
