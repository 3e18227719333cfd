"""The terminal report: the width it fits, and colour only where it is wanted."""

from __future__ import annotations

import os
import shutil

import pytest

from sovcheck.terminal import (
    DEFAULT_WIDTH,
    ColorChoice,
    file_layout,
    resolve_colour,
    resolve_width,
)


class Tty:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


# Width ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("columns", "tty", "expected"),
    [
        ("80", False, 80),
        ("80", True, 80),  # COLUMNS first, even on a terminal
        ("200", False, 200),
        ("40", False, 60),  # below the minimum
        ("0", False, DEFAULT_WIDTH),
        ("-3", False, DEFAULT_WIDTH),
        ("wide", False, DEFAULT_WIDTH),
        (None, False, DEFAULT_WIDTH),
        (None, True, 72),  # the terminal's width (patched below)
        ("", True, 72),
    ],
)
def test_width_comes_from_columns_then_the_terminal_then_the_default(
    monkeypatch, columns, tty, expected
):
    monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback: os.terminal_size((72, 24)))
    environ = {} if columns is None else {"COLUMNS": columns}
    assert resolve_width(environ, Tty(tty)) == expected


def test_a_file_takes_columns_or_the_default_never_the_terminal(monkeypatch):
    monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback: os.terminal_size((72, 24)))
    assert file_layout({}).width == DEFAULT_WIDTH
    assert file_layout({"COLUMNS": "90"}).width == 90
    assert file_layout({"FORCE_COLOR": "1"}).colour is False


# Colour --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "environ", "tty", "expected"),
    [
        (ColorChoice.AUTO, {}, True, True),
        (ColorChoice.AUTO, {}, False, False),
        (ColorChoice.AUTO, {"NO_COLOR": "1"}, True, False),
        (ColorChoice.AUTO, {"NO_COLOR": "0"}, True, False),  # any value but empty
        (ColorChoice.AUTO, {"NO_COLOR": ""}, True, True),  # empty: as if unset
        (ColorChoice.AUTO, {"FORCE_COLOR": "1"}, False, True),
        (ColorChoice.AUTO, {"FORCE_COLOR": ""}, False, False),
        (ColorChoice.AUTO, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),
        (ColorChoice.AUTO, {"TERM": "dumb"}, True, False),
        (ColorChoice.AUTO, {"TERM": "dumb", "FORCE_COLOR": "1"}, True, True),
        (ColorChoice.ALWAYS, {"NO_COLOR": "1"}, False, True),  # the command line wins
        (ColorChoice.NEVER, {"FORCE_COLOR": "1"}, True, False),
    ],
)
def test_colour_follows_no_color_force_color_and_the_option(choice, environ, tty, expected):
    assert resolve_colour(choice, environ, Tty(tty)) is expected


def test_a_file_is_never_coloured():
    assert resolve_colour(ColorChoice.ALWAYS, {"FORCE_COLOR": "1"}, None) is False
