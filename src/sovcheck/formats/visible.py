"""Characters of input text that would act on a terminal or a reader instead of being read,
written as escapes: what a supplier's inventory says cannot clear a screen, hide the text
after it, reorder a line, or start a line of its own (a forged ``file:1:1:`` message).

Escaped: the C0 controls (NUL to US, newline and tab included unless asked to keep
newlines), DEL, the C1 controls (U+0080 to U+009F, among them the one-byte CSI), the line
and paragraph separators U+2028 and U+2029, and the bidirectional formatting characters
(U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069) that can make a line display
in another order than it reads. ``\\n``, ``\\r`` and ``\\t`` are written so; the others as
``\\xNN`` or ``\\uNNNN``, as Python writes them. A backslash is left as it is.
"""

from __future__ import annotations

import re
from html import escape

_OTHERS = "\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
_ANY = re.compile(f"[\x00-\x1f{_OTHERS}]")
_BUT_NEWLINE = re.compile(f"[\x00-\x09\x0b-\x1f{_OTHERS}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, newlines: bool = False) -> str:
    """``text`` with its control characters escaped; ``newlines`` keeps line feeds."""
    pattern = _BUT_NEWLINE if newlines else _ANY
    if pattern.search(text) is None:
        return text
    return pattern.sub(_escape, text)


def is_control(char: str) -> bool:
    """Whether ``char`` is one of the characters ``visible`` escapes."""
    return _ANY.match(char) is not None


def html_text(value: object) -> str:
    """``value`` escaped for HTML and SVG text and attributes, its control characters
    (most of which XML forbids) shown as ``visible`` writes them."""
    return escape(visible(str(value)), quote=True)
