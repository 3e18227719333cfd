"""How wide the terminal report is laid out, and whether it is coloured.

Width, the first that applies:

1. ``COLUMNS``, when it is set to a positive integer (whatever the output is);
2. the terminal's width (:func:`shutil.get_terminal_size`), when standard output is a
   terminal;
3. :data:`~sovcheck.formats.termtext.DEFAULT_WIDTH` (80) otherwise: piped output and
   files are the same bytes for the same input wherever they are produced.

Below :data:`~sovcheck.formats.termtext.MIN_WIDTH` (60) the report is laid out at 60.
Files written with ``--output`` or ``--output-format`` take ``COLUMNS`` or the default,
never the size of the terminal the command happens to run in.

Colour, with ``--color auto`` (the default):

* no colour when ``NO_COLOR`` is present and not an empty string (https://no-color.org);
* else colour when ``FORCE_COLOR`` is present and not an empty string, even when standard
  output is not a terminal (https://force-color.org);
* else colour when standard output is a terminal and ``TERM`` is not ``dumb``.

When both are set, ``NO_COLOR`` wins: it is the user's standing preference (often for
accessibility), and CPython 3.13 decides the same way for its own colour. The command
line overrides both, as no-color.org asks: ``--color always`` colours even with
``NO_COLOR`` set, ``--color never`` never colours. Files written with ``--output`` or
``--output-format`` never get colour, whatever the option says.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from sovcheck.formats.termtext import DEFAULT_WIDTH, MIN_WIDTH

__all__ = [
    "DEFAULT_WIDTH",
    "MIN_WIDTH",
    "ColorChoice",
    "Layout",
    "file_layout",
    "resolve_colour",
    "resolve_width",
    "stdout_layout",
]


class ColorChoice(StrEnum):
    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


class _Stream(Protocol):
    def isatty(self) -> bool: ...


def _columns(environ: Mapping[str, str]) -> int | None:
    text = environ.get("COLUMNS", "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else None


def _isatty(stream: _Stream | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (OSError, ValueError):  # a closed or detached stream
        return False


def resolve_width(environ: Mapping[str, str], stream: _Stream | None) -> int:
    """The width to lay out for: ``stream`` is where the report goes (None: a file)."""
    width = _columns(environ)
    if width is None and _isatty(stream):
        width = shutil.get_terminal_size(fallback=(DEFAULT_WIDTH, 24)).columns
    if width is None or width <= 0:
        width = DEFAULT_WIDTH
    return max(width, MIN_WIDTH)


def resolve_colour(choice: ColorChoice, environ: Mapping[str, str], stream: _Stream | None) -> bool:
    """Whether to colour what goes to ``stream`` (None: a file, never coloured)."""
    if stream is None or choice is ColorChoice.NEVER:
        return False
    if choice is ColorChoice.ALWAYS:
        return True
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return _isatty(stream) and environ.get("TERM") != "dumb"


@dataclass(frozen=True)
class Layout:
    """What a table renderer is given: ``render(report, width=..., colour=...)``."""

    width: int = DEFAULT_WIDTH
    colour: bool = False


def stdout_layout(choice: ColorChoice, environ: Mapping[str, str], stream: _Stream) -> Layout:
    """For a table written to ``stream``, standard output."""
    return Layout(resolve_width(environ, stream), resolve_colour(choice, environ, stream))


def file_layout(environ: Mapping[str, str]) -> Layout:
    """For a table written to a file: ``COLUMNS`` or the default width, never colour."""
    return Layout(resolve_width(environ, None), False)
