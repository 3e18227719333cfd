"""Markdown from text that the input controls, written so that it reads as text.

A Markdown report goes where people act on it (a GitHub step summary, a pull-request
comment), and its inventory, rubric and saved reports come from others: a system name with
a newline could start a heading of its own ("All gates pass"), open an HTML comment that
hides the gates, show an image, link to a script, or mention a person. Every renderer of
Markdown builds its text from these helpers, at the output boundary:

* :func:`code` puts a value in a code span: on one line (line breaks and other control
  characters shown as escapes, see :mod:`sovcheck.formats.visible`), fenced by more
  backticks than the longest run in it, so nothing in it is Markdown or HTML. Names, ids,
  paths and free text from the input (messages, remediations, reasons, notes) go there.
* :func:`text` writes short labels (objective titles, level names) as plain text: on one
  line, ``&``, ``<`` and ``>`` as HTML entities, Markdown's inline punctuation escaped
  (``\\ ` * _ [ ] ~ $``) with a backslash, a leading heading or list marker escaped, and an ``@`` followed by a
  word joiner (U+2060), so that it mentions no one; a word joiner also goes before the
  ``://`` of a URL and after the ``www`` of ``www.``, so that GitHub makes no link of
  them (it links bare URLs, ``www.`` addresses and e-mail addresses in plain text).
* :func:`html` writes text for the inside of an HTML element (the ``<summary>`` of a
  collapsible section, where Markdown is not read): HTML-escaped, on one line, with the
  same word joiners.
* :func:`table` escapes ``|`` in every cell, and writes as :func:`text` every cell that is
  not already :class:`Markdown`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sovcheck.formats.visible import html_text, visible


class Markdown(str):
    """Text already written as Markdown, which :func:`table` leaves as it is."""

    __slots__ = ()


_BACKTICKS = re.compile(r"`+")
_INLINE = re.compile(r"([\\`*_\[\]~$])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_LEADING = re.compile(r"^(\s*)([-+=]|#+|\d+[.)])(?=\s|$)")
_WORD_JOINER = "\u2060"
# What GitHub turns into a link in plain text: a scheme's "://", "www.", an "@"
_LINKABLE = re.compile(r"(?=://)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)


def code(value: object) -> Markdown:
    """``value`` as one code span, whatever backticks it holds; empty text as ``–``."""
    content = visible(str(value))
    if not content:
        return Markdown("–")
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(content)), default=0) + 1)
    # A span that starts or ends with a backtick needs a blank between it and the fence
    # (CommonMark strips one blank on each side when both are there).
    pad = " " if content[0] in "` " or content[-1] in "` " else ""
    return Markdown(f"{fence}{pad}{content}{pad}{fence}")


def text(value: object) -> Markdown:
    """``value`` as plain inline text: nothing in it is Markdown, HTML or a mention."""
    out = visible(str(value))
    out = "".join(_HTML.get(c, c) for c in out) if any(c in out for c in _HTML) else out
    out = _INLINE.sub(r"\\\1", out)
    out = _LEADING.sub(lambda m: m.group(1) + _escaped_marker(m.group(2)), out)
    return Markdown(_unlinked(out))


def html(value: object) -> Markdown:
    """``value`` as text inside an HTML element: nothing in it is HTML, a link or a mention."""
    return Markdown(_unlinked(html_text(value)))


def _unlinked(out: str) -> str:
    if "@" not in out and ":" not in out and "." not in out:
        return out
    return _LINKABLE.sub(_WORD_JOINER, out)


def _escaped_marker(marker: str) -> str:
    return marker[:-1] + "\\" + marker[-1]


def cell(value: object) -> str:
    """A table cell: ``value`` as :func:`text` unless it is :class:`Markdown`, pipes escaped
    (GitHub splits cells at a pipe even inside a code span; ``\\|`` shows a pipe)."""
    written = value if isinstance(value, Markdown) else text(value)
    return written.replace("|", "\\|")


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """A Markdown table, each value kept inside its cell."""
    out = ["| " + " | ".join(cell(h) for h in headers) + " |"]
    out.append("|" + "|".join(" --- " for _ in headers) + "|")
    out.extend("| " + " | ".join(cell(v) for v in row) + " |" for row in rows)
    return out


def join(parts: Sequence[object], separator: str = ", ") -> Markdown:
    """Values as code spans, joined."""
    return Markdown(separator.join(code(p) for p in parts))


def size(lines: Sequence[str]) -> int:
    """Characters ``lines`` take once joined, each ended by a newline."""
    return sum(len(line) + 1 for line in lines)


def fitting(lines: Sequence[str], budget: float) -> int:
    """How many of ``lines``, from the first, fit in ``budget`` characters."""
    used = 0
    for k, line in enumerate(lines):
        used += len(line) + 1
        if used > budget:
            return k
    return len(lines)


def budgeted_table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], budget: float, what: str
) -> list[str]:
    """:func:`table`, with as many rows as fit in ``budget`` characters (at least one), and
    a line saying how many ``what`` are left out when some are."""
    lines = table(headers, rows)
    if size(lines) <= budget:
        return lines
    note_room = 120 + len(what)
    kept = max(1, fitting(lines[2:], budget - size(lines[:2]) - note_room))
    left = len(rows) - kept
    return [*lines[: 2 + kept], "", f"*{left} more {what} left out to stay within the size limit.*"]
