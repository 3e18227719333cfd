"""JSON as sovcheck writes it: two-space indent, UTF-8 text, a final newline, and never a
``NaN`` or ``Infinity``, which are not JSON (RFC 8259 §6) and which strict readers refuse.

Input that could carry a non-finite number is refused where it is read, with its location;
a non-finite number that still reaches a writer is a bug, and writing stops with
``ValueError`` rather than emit text that is not JSON.
"""

from __future__ import annotations

import json
import math
from typing import Any


def dumps(data: Any, *, sort_keys: bool = False) -> str:
    """``data`` as indented JSON text with a final newline; ValueError on NaN or Infinity."""
    return (
        json.dumps(data, indent=2, sort_keys=sort_keys, ensure_ascii=False, allow_nan=False) + "\n"
    )


def require_finite(data: Any) -> None:
    """Raise ValueError if ``data`` holds a float that is NaN or infinite, for writers that
    encode with an encoder that would not refuse them (orjson writes ``null``)."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ValueError(f"Out of range float values are not JSON compliant: {value!r}")
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, (list, tuple)):
            stack.extend(value)
