"""Control characters from the input reach the terminal as escapes, never as they are."""

from __future__ import annotations

from sovcheck.formats.visible import visible
from tests.test_bad_input import VALID, bad


def test_visible_escapes_c0_c1_separators_and_bidi():
    assert visible("a\x1b[2Jb\rc\x07\x00\x7f\x85\u2028\u202e\u2066d\te\nf") == (
        "a\\x1b[2Jb\\rc\\x07\\x00\\x7f\\x85\\u2028\\u202e\\u2066d\\te\\nf"
    )
    assert visible("a\nb\x1b", newlines=True) == "a\nb\\x1b"
    assert visible("plain – text é 漢") == "plain – text é 漢"


def test_an_error_message_cannot_clear_the_screen_or_forge_a_line(cli, tmp_path):
    text = VALID.replace("kind: application", 'kind: "x\\e[2J\\ninv.yaml:1:1: all good"')
    assert bad(cli, tmp_path, text) == [
        "F:9:11: unknown kind 'x\\x1b[2J\\ninv.yaml:1:1: all good'; expected one of "
        "'application', 'model', 'dataset', 'library', 'service', 'cloud', 'datacenter', "
        "'chip', 'energy' or 'team'"
    ]


EVIL_NAME = '"Bot\\e[2J\\u202e\\0\\nsrc/x.yaml:1:1: forged"'


def _evil_inventory(tmp_path):
    from tests.conftest import INVENTORIES

    text = (INVENTORIES / "public-chatbot.yaml").read_text(encoding="utf-8")
    path = tmp_path / "evil.yaml"
    path.write_text(text.replace("  name: ", f"  name: {EVIL_NAME} #", 1), encoding="utf-8")
    return path


def test_the_table_shows_control_characters_as_replacement_characters(cli, tmp_path):
    result = cli("audit", _evil_inventory(tmp_path), "--today", "2026-11-23")
    first = result.out.splitlines()[0]
    # ESC, RLO and NUL each one U+FFFD; the newline a space: no line of its own
    assert first == "sovcheck 0.1.0 · Bot\ufffd[2J\ufffd\ufffd src/x.yaml:1:1: forged"
    assert not any(line.startswith("src/x.yaml:1:1:") for line in result.out.splitlines())
    for char in "\x1b\x00\u202e":
        assert char not in result.out


def test_the_html_report_and_its_graph_carry_no_control_characters(cli, tmp_path):
    result = cli("audit", _evil_inventory(tmp_path), "--today", "2026-11-23", "-f", "html")
    for char in "\x1b\x00\u202e":
        assert char not in result.out
    assert "Bot\\x1b[2J\\u202e\\x00\\nsrc/x.yaml:1:1: forged" in result.out
