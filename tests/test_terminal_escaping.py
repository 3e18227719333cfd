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
