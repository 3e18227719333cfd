"""Terminal text: display width, wrapping to a width, tables that fit, colour that does not
move a column."""

from __future__ import annotations

import re
import textwrap
import unicodedata

import pytest
from tabulate import tabulate

from sovcheck.formats.termtext import (
    RED,
    Column,
    Styled,
    display_width,
    join_wrapped,
    table,
    wrap,
)

ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
MESSAGE = (
    "restricted data reaches azure-france, held by microsoft-ireland under IE, US control "
    "(CLOUD Act, EO 12333, FISA §702)"
)


def width_of(line: str) -> int:
    """Display width measured independently of the code under test."""
    plain = ESCAPE.sub("", line)
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in plain
    )


def test_display_width_counts_wide_characters_twice_and_escapes_not_at_all() -> None:
    assert display_width("→ · é") == 5
    assert display_width("主权") == 4
    assert display_width("e\u0301") == 1  # e and a combining acute accent
    assert display_width("\x1b[31mFAIL\x1b[0m") == 4


@pytest.mark.parametrize("width", [20, 37, 60])
def test_running_text_wraps_as_textwrap_would_between_words(width: int) -> None:
    assert wrap(MESSAGE, width, subsequent="") == textwrap.wrap(
        MESSAGE, width, break_on_hyphens=False, break_long_words=False
    )


def test_a_word_longer_than_the_line_stays_whole_in_running_text() -> None:
    long = "x" * 90
    lines = wrap(f"cut-off {long}: reason", 60, indent="  ")
    assert lines == ["  cut-off", f"    {long}:", "    reason"]
    # a hyphenated one is broken after its hyphens first
    lines = wrap("see " + "-".join(["segment"] * 12), 40)
    assert all(width_of(line) <= 40 for line in lines)


def test_join_wrapped_moves_whole_items_and_wraps_only_those_longer_than_a_line() -> None:
    items = [f"objective:{name} 33.5 vs 70.0 FAILED (rubric)" for name in ("a", "bb", "ccc")]
    lines = join_wrapped("Gates: ", items, 60)
    assert lines == [
        "Gates: objective:a 33.5 vs 70.0 FAILED (rubric);",
        "  objective:bb 33.5 vs 70.0 FAILED (rubric);",
        "  objective:ccc 33.5 vs 70.0 FAILED (rubric)",
    ]
    long = ["objective:technological-independence-and-more 3.3 vs 60.0 FAILED (rubric)"]
    lines = join_wrapped("Gates: ", [*items[:1], *long], 60)
    assert all(width_of(line) <= 60 for line in lines)
    assert " ".join(" ".join(lines).split()) == "Gates: " + "; ".join([items[0], long[0]])


def test_join_wrapped_each_on_its_own_keeps_one_line_when_all_fit() -> None:
    items = [Styled.of(f"gate{n} 1 vs 2 ", ("FAILED", RED)) for n in range(3)]
    assert join_wrapped("Gates: ", items, 80, each_on_its_own=True) == [
        "Gates: gate0 1 vs 2 FAILED; gate1 1 vs 2 FAILED; gate2 1 vs 2 FAILED"
    ]
    lines = join_wrapped("Gates: ", items, 60, each_on_its_own=True, colour=True)
    assert [ESCAPE.sub("", line) for line in lines] == [
        "Gates: gate0 1 vs 2 FAILED;",
        "  gate1 1 vs 2 FAILED;",
        "  gate2 1 vs 2 FAILED",
    ]
    assert all(line.count("\x1b[31mFAILED\x1b[0m") == 1 for line in lines)


COLUMNS = (
    Column("Status"),
    Column("Severity"),
    Column("Rule"),
    Column("Component", weight=1),
    Column("Message", weight=1.5, cap=60),
    Column("Line"),
)


def rows(status: str | Styled = "fail") -> list[list[str | Styled]]:
    return [
        [status, "critical", "DS-001", "azure-france", MESSAGE, "88"],
        ["unknown", "high", "DS-004", "microsoft-authentication", "short", "144"],
    ]


def test_a_table_with_room_is_tabulates_simple_format() -> None:
    wrapped = [[*r[:4], "\n".join(textwrap.wrap(str(r[4]), 60)), r[5]] for r in rows()]
    expected = tabulate(
        wrapped, headers=[c.header for c in COLUMNS], tablefmt="simple", disable_numparse=True
    )
    assert table(COLUMNS, rows(), width=200) == expected


@pytest.mark.parametrize("width", [60, 70, 80, 100, 120])
def test_a_table_fits_its_width_and_keeps_every_word(width: int) -> None:
    text = table(COLUMNS, rows(), width=width)
    assert max(width_of(line) for line in text.splitlines()) <= width
    # with room for the longest word of each column, no word is cut (only after a hyphen)
    for word in [*MESSAGE.split(), "microsoft-authentication"]:
        assert all(part in text for part in re.split(r"(?<=[a-z]{2}-)", word)), word


def test_a_table_too_wide_for_its_columns_breaks_words_rather_than_the_width() -> None:
    long_id = "component-" + "x" * 70
    text = table(COLUMNS, [["fail", "critical", "DS-001", long_id, MESSAGE, "88"]], width=60)
    assert max(width_of(line) for line in text.splitlines()) <= 60
    assert "x" * 8 in text


def test_wide_characters_are_measured_as_the_terminal_shows_them() -> None:
    cjk = "数据主权" * 10  # 80 columns
    text = table(COLUMNS, [["fail", "high", "DS-001", "模型", cjk + " " + MESSAGE, "1"]], width=70)
    lines = text.splitlines()
    assert max(width_of(line) for line in lines) <= 70
    # the Line column starts at the same display column on every row that has it
    starts = {width_of(line[: line.rindex(" ") + 1]) for line in lines[2:] if line.endswith("1")}
    assert len(starts) == 1


@pytest.mark.parametrize("width", [60, 80, 120])
def test_colour_does_not_move_a_column(width: int) -> None:
    coloured = table(COLUMNS, rows(Styled.of(("fail", RED))), width=width, colour=True)
    assert "\x1b[31mfail\x1b[0m" in coloured
    assert ESCAPE.sub("", coloured) == table(COLUMNS, rows(), width=width)
    assert table(COLUMNS, rows(Styled.of(("fail", RED))), width=width) == table(
        COLUMNS, rows(), width=width
    )


def test_coloured_running_text_wraps_as_plain_text() -> None:
    text = Styled.of("Gates: a ", ("FAILED", RED), " (rubric); b ", ("FAILED", RED), " (x)")
    plain = wrap(text, 60)
    coloured = wrap(text, 60, colour=True)
    assert [ESCAPE.sub("", line) for line in coloured] == plain
    assert coloured[0].count("\x1b[31m") == 2
