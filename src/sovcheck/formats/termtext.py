"""Text for a terminal: display width, wrapping, plain tables, sparing ANSI colour.

The table renderers lay out their reports with these, to a given width (see
:mod:`sovcheck.terminal` for where the width and the colour decision come from):

* Widths are display widths: an East Asian wide or full-width character counts 2, a
  combining mark or a format character 0, anything else 1 (``→`` and ``·`` are 1).
* In a table cell, text wraps between words and after the hyphen of a hyphenated word
  (``microsoft-`` ``ireland``), as :mod:`textwrap` does; a word longer than its column
  is cut, so that the columns keep their places. Running text (titles, warnings, risks,
  the gates) wraps between words only, and after the hyphens of a word longer than the
  line; a word longer than the line even so (a very long component id) stays whole: the
  one thing that may pass the width.
* A table is tabulate's "simple" format (headers, a rule of dashes, columns two spaces
  apart, no trailing blanks) laid out here, so that widths are measured the same way as
  the wrapping and colour never enters a measurement: colour codes are added to the
  visible text of a cell after it is padded.
* Colour is plain SGR foreground colour, each coloured run reset at its end; a caller
  that asks for no colour gets the same bytes without any escape code.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sovcheck.formats.visible import is_control

# The width of piped output and of files, when COLUMNS does not say otherwise: the same
# input gives the same bytes wherever it runs. 80 is the width of a terminal nobody has
# resized, and a report that fits it reads anywhere.
DEFAULT_WIDTH = 80
# Narrower than this, a findings table has no room left for its messages: lay out at 60.
MIN_WIDTH = 60

RED = "31"
GREEN = "32"
YELLOW = "33"

_RESET = "\x1b[0m"
_SEPARATOR = "  "
# tabulate's MIN_PADDING: a header is two columns narrower than its rule when there is room.
_HEADER_PADDING = 2
# A column that wraps is not made narrower than this (nor than its header) before every
# column has to give up space.
_MIN_WRAP = 8

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# After the hyphen of a hyphenated word: two letters before it, a letter after it.
_AFTER_HYPHEN = r"(?<=[^\W\d_]{2}-)(?=[^\W\d_])"
_HYPHEN = re.compile(_AFTER_HYPHEN)
# Blanks, and words (whole, or in parts that end after their hyphens).
_WORDS = re.compile(r"\s+|\S+")
_WORD_PARTS = re.compile(rf"\s+|\S+?(?=\s|$|{_AFTER_HYPHEN})")
_BETWEEN_PARTS = re.compile(rf"\s+|{_AFTER_HYPHEN}")


def char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Cf", "Mn", "Me"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal, escape codes not counted."""
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    if text.isascii():
        return len(text)
    return len(text) + sum(char_width(c) - 1 for c in _NON_ASCII.findall(text))


def _narrow(text: str) -> bool:
    """Whether every character of ``text`` is one column wide (the usual case)."""
    return text.isascii() or all(char_width(c) == 1 for c in set(_NON_ASCII.findall(text)))


@dataclass(frozen=True)
class Styled:
    """Text with coloured runs: ``runs`` are (start, end, SGR code) over ``plain``."""

    plain: str
    runs: tuple[tuple[int, int, str], ...] = ()

    @staticmethod
    def of(*pieces: str | tuple[str, str | None]) -> Styled:
        """Join pieces: a string is plain, (text, code) is coloured (None: plain)."""
        parts: list[str] = []
        runs: list[tuple[int, int, str]] = []
        at = 0
        for piece in pieces:
            text, code = (piece, None) if isinstance(piece, str) else piece
            if code and text:
                runs.append((at, at + len(text), code))
            parts.append(text)
            at += len(text)
        return Styled("".join(parts), tuple(runs))

    def slice(self, start: int, end: int, colour: bool) -> str:
        text = self.plain[start:end]
        if not colour or not self.runs:
            return text
        out: list[str] = []
        at = start
        for run_start, run_end, code in self.runs:
            a, b = max(run_start, start), min(run_end, end)
            if a >= b:
                continue
            out.append(self.plain[at:a])
            out.append(f"\x1b[{code}m{self.plain[a:b]}{_RESET}")
            at = b
        out.append(self.plain[at:end])
        return "".join(out)


Cell = str | Styled


def paint(text: str, code: str | None, colour: bool) -> str:
    return f"\x1b[{code}m{text}{_RESET}" if colour and code and text else text


def _styled(cell: Cell) -> Styled:
    return cell if isinstance(cell, Styled) else Styled(cell)


def _normalised(text: str) -> str:
    """Whitespace as spaces, and characters that would act on the terminal (see
    :mod:`sovcheck.formats.visible`: ESC, the C1 controls, bidirectional overrides…) as
    U+FFFD, so that no input can move the cursor, clear the screen or start a line. Same
    length as the text, so that coloured runs keep their offsets."""
    if text.isprintable():
        return text
    return "".join(" " if c.isspace() else "\ufffd" if is_control(c) else c for c in text)


def _hyphen_parts(text: str, a: int, b: int) -> list[tuple[int, int]]:
    cuts = [a, *(a + m.start() for m in _HYPHEN.finditer(text[a:b])), b]
    return [(x, y) for x, y in itertools.pairwise(cuts) if x < y]


def wrap_ranges(
    text: str, width: int, first: int | None = None, *, hard: bool, hyphens: bool = True
) -> list[range]:
    """Where to break ``text`` into lines of at most ``width`` (``first`` for the first
    line): each line a range of offsets into ``text``, blanks at the breaks left out.

    Lines break at blanks, and after the hyphen of a hyphenated word when ``hyphens`` (or
    else only in a word longer than a line). A word longer than a line even so is broken
    anywhere when ``hard``, else it takes a line of its own."""
    narrow = _narrow(text)  # then a character is a column
    limit = max(1, width if first is None else first)
    stripped = text.strip()
    if (len(stripped) if narrow else display_width(stripped)) <= limit:
        start = len(text) - len(text.lstrip())
        return [range(start, start + len(stripped))] if stripped else []
    # A stack of (start, end, width, blank), the next chunk last.
    chunks = [
        (a, b, b - a if narrow else display_width(text[a:b]), text[a].isspace())
        for a, b in (m.span() for m in (_WORD_PARTS if hyphens else _WORDS).finditer(text))
    ]
    chunks.reverse()
    lines: list[range] = []
    while chunks:
        if lines:
            limit = max(1, width)
        while chunks and chunks[-1][3]:
            chunks.pop()  # no line starts with a blank
        if not chunks:
            break
        line_start = line_end = chunks[-1][0]
        used = 0
        words = 0
        while chunks:
            a, b, w, blank = chunks[-1]
            if used + w <= limit:
                chunks.pop()
                used += w
                if not blank:
                    line_end = b
                    words += 1
                continue
            if w > limit and not hyphens and not blank:
                parts = _hyphen_parts(text, a, b)
                if len(parts) > 1:  # too long whole: break it after its hyphens
                    chunks.pop()
                    chunks += [
                        (x, y, y - x if narrow else display_width(text[x:y]), False)
                        for x, y in reversed(parts)
                    ]
                    continue
            break
        if chunks and chunks[-1][2] > limit:
            a, b, w, _ = chunks[-1]
            if hard:
                room = limit - used if words else max(limit, 1)
                cut = a
                while cut < b and room >= (cw := 1 if narrow else char_width(text[cut])):
                    room -= cw
                    cut += 1
                if cut > a or not words:
                    cut = max(cut, a + 1)
                    line_end = cut
                    words += 1
                    chunks[-1] = (cut, b, w - display_width(text[a:cut]), False)
                    if cut == b:
                        chunks.pop()
            elif not words:
                if not lines and limit < w <= width:
                    lines.append(range(a, a))  # fits on the next line: leave this one
                    continue
                chunks.pop()
                line_end = b
                words += 1
        if words:
            lines.append(range(line_start, line_end))
    return lines


def wrap(
    text: Cell,
    width: int,
    *,
    indent: str = "",
    subsequent: str | None = None,
    colour: bool = False,
) -> list[str]:
    """``text`` as lines of at most ``width`` columns, the first starting with ``indent``,
    the others with ``subsequent`` (default: as many blanks as ``indent``, plus two).
    Only a word longer than a line passes the width."""
    styled = _styled(text)
    styled = Styled(_normalised(styled.plain), styled.runs)
    rest = " " * (display_width(indent) + 2) if subsequent is None else subsequent
    first = width - display_width(indent)
    ranges = wrap_ranges(
        styled.plain, width - display_width(rest), first, hard=False, hyphens=False
    )
    if not ranges:
        return [indent.rstrip()]
    return [
        ((indent if i == 0 else rest) + styled.slice(r.start, r.stop, colour)).rstrip(" ")
        for i, r in enumerate(ranges)
    ]


def join_wrapped(
    prefix: Cell,
    items: Sequence[Cell],
    width: int,
    *,
    separator: str = ";",
    subsequent: str = "  ",
    colour: bool = False,
    each_on_its_own: bool = False,
) -> list[str]:
    """``prefix`` then ``items``, each but the last followed by ``separator`` and a blank;
    an item that does not fit on the line goes whole to the next one, and is wrapped only
    when it is longer than a line by itself. ``each_on_its_own``: when they do not all fit
    on one line, every item starts a line (the first one after the prefix)."""
    head = _styled(prefix)
    if each_on_its_own:
        together = display_width(head.plain) + sum(
            display_width(_styled(item).plain) + len(separator) + 1 for item in items
        )
        if together - len(separator) - 1 > width:
            return [
                line
                for n, item in enumerate(items)
                for line in join_wrapped(
                    head if n == 0 else subsequent,
                    [Styled.of(*_pieces(_styled(item)), "" if n == len(items) - 1 else separator)],
                    width,
                    subsequent=subsequent,
                    colour=colour,
                )
            ]
    current = head.slice(0, len(head.plain), colour)
    used = display_width(head.plain)
    room = width - display_width(subsequent)
    lines: list[str] = []
    fresh = True  # nothing after the prefix or the indent yet
    for n, item in enumerate(items):
        styled = _styled(item)
        last = n == len(items) - 1
        unit = Styled(_normalised(styled.plain) + ("" if last else separator), styled.runs)
        w = display_width(unit.plain)
        blank = 0 if fresh else 1
        if not fresh and used + blank + w > width:
            lines.append(current)
            current, used, blank = subsequent, display_width(subsequent), 0
        if used + blank + w <= width:
            current += " " * blank + unit.slice(0, len(unit.plain), colour)
        else:
            # Longer than a line by itself: wrapped, from where this line is.
            ranges = wrap_ranges(unit.plain, room, width - used - blank, hard=False, hyphens=False)
            for i, r in enumerate(ranges):
                text = unit.slice(r.start, r.stop, colour)
                if i == 0:
                    current = (current + " " * blank + text).rstrip(" ")
                else:
                    lines.append(current)
                    current = subsequent + text
        used = display_width(current)
        fresh = False
    lines.append(current.rstrip(" "))
    return lines


def _pieces(styled: Styled) -> list[str | tuple[str, str | None]]:
    """The pieces :meth:`Styled.of` makes ``styled`` from."""
    out: list[str | tuple[str, str | None]] = []
    at = 0
    for a, b, code in styled.runs:
        out += [styled.plain[at:a], (styled.plain[a:b], code)]
        at = b
    out.append(styled.plain[at:])
    return out


@dataclass(frozen=True)
class Column:
    """A table column. ``weight`` > 0: the column wraps when the table is too wide, giving
    up space in that proportion with the other wrapping columns; ``cap``: the widest it
    gets even with room to spare (long text reads better in a narrow column)."""

    header: str
    weight: float = 0.0
    cap: int | None = None


def _shrink(widths: list[int], floors: list[int], weights: list[float], excess: int) -> None:
    """Take ``excess`` columns away, one at a time from the column widest for its weight,
    none below its floor."""
    while excess > 0:
        best = -1
        for i, (w, floor, weight) in enumerate(zip(widths, floors, weights, strict=True)):
            if (
                weight > 0
                and w > floor
                and (best < 0 or w / weight >= widths[best] / weights[best])
            ):
                best = i
        if best < 0:
            return
        widths[best] -= 1
        excess -= 1


def _longest_word(text: str) -> int:
    """The widest word or part of a hyphenated word: what a cell cannot wrap."""
    words = _BETWEEN_PARTS.split(text)
    return max(map(len if text.isascii() else display_width, words), default=0)


def column_widths(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int
) -> list[int]:
    """The width of each column so that the table fits ``width`` if it can.

    Each column is as wide as its widest cell and its header plus two (tabulate's look),
    a capped column no wider than its cap. When that is too wide, in turn, until it fits:
    the headers lose their padding; the wrapping columns narrow, in proportion to their
    weights, but not below their longest word (no word is cut) nor their header; then
    below it, down to eight; then every column, down to one."""
    heads = [display_width(c.header) for c in columns]
    content = [0] * len(columns)
    words = [0] * len(columns)
    for row in rows:
        for i, cell in enumerate(row):
            plain = _styled(cell).plain
            content[i] = max(content[i], display_width(plain))
            if columns[i].weight > 0:
                words[i] = max(words[i], _longest_word(plain))
    widths = [
        min(max(c, h + _HEADER_PADDING), max(col.cap, h + _HEADER_PADDING))
        if col.cap is not None
        else max(c, h + _HEADER_PADDING)
        for col, c, h in zip(columns, content, heads, strict=True)
    ]
    room = width - len(_SEPARATOR) * (len(columns) - 1)
    weights = [c.weight for c in columns]
    if sum(widths) > room:
        widths = [min(w, max(c, h)) for w, c, h in zip(widths, content, heads, strict=True)]
    for floor in (words, [_MIN_WRAP] * len(columns)):
        if sum(widths) > room:
            floors = [min(w, max(h, f)) for w, h, f in zip(widths, heads, floor, strict=True)]
            _shrink(widths, floors, weights, sum(widths) - room)
    if sum(widths) > room:
        _shrink(widths, [1] * len(widths), [1.0] * len(widths), sum(widths) - room)
    return widths


def table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    *,
    width: int = DEFAULT_WIDTH,
    colour: bool = False,
) -> str:
    """A "simple" table that fits ``width``, cells wrapped to their column."""
    widths = column_widths(columns, rows, width)

    def wrapped(row: Sequence[Cell]) -> list[list[tuple[str, int]]]:
        """Each cell's lines, as (text, visible width)."""
        cells = []
        for cell, w in zip(row, widths, strict=True):
            styled = _styled(cell)
            styled = Styled(_normalised(styled.plain), styled.runs)
            if display_width(styled.plain) <= w:
                ranges = [range(0, len(styled.plain))]
            else:
                ranges = wrap_ranges(styled.plain, w, hard=True) or [range(0, 0)]
            cells.append(
                [
                    (
                        styled.slice(r.start, r.stop, colour),
                        display_width(styled.plain[r.start : r.stop]),
                    )
                    for r in ranges
                ]
            )
        return cells

    header = wrapped([c.header for c in columns])
    body = [wrapped(row) for row in rows]
    # A wrapped column is only as wide as its widest line (and its padded header).
    for i, w in enumerate(widths):
        widest = max((used for row in body for _, used in row[i]), default=0)
        head = max(used for _, used in header[i])
        widths[i] = max(widest, min(w, head + _HEADER_PADDING))

    def lines(cells: list[list[tuple[str, int]]]) -> list[str]:
        out = []
        for n in range(max(len(c) for c in cells)):
            parts = []
            for cell_lines, w in zip(cells, widths, strict=True):
                text, used = cell_lines[n] if n < len(cell_lines) else ("", 0)
                parts.append(text + " " * (w - used))
            out.append(_SEPARATOR.join(parts).rstrip(" "))
        return out

    out = lines(header)
    out.append(_SEPARATOR.join("-" * w for w in widths))
    for cells in body:
        out += lines(cells)
    return "\n".join(out)
