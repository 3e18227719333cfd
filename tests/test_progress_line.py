"""The progress line on a terminal ends before anything else is written there.

sovcheck runs in a pseudo-terminal that is both its standard output and its standard
error, as in an interactive shell; a small screen model (carriage return, erase to the end
of the line, newline) then gives the lines a person would read.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _screen(raw: str) -> list[str]:
    """The lines a terminal shows for ``raw``: ``\\r`` returns to the line's start,
    ``ESC [ K`` erases from there to its end, ``\\n`` ends it."""
    lines: list[str] = []
    line: list[str] = []
    col = 0
    i = 0
    while i < len(raw):
        if raw.startswith("\x1b[K", i):
            del line[col:]
            i += 3
            continue
        char = raw[i]
        i += 1
        if char == "\r":
            col = 0
        elif char == "\n":
            lines.append("".join(line))
            line, col = [], 0
        else:
            if col < len(line):
                line[col] = char
            else:
                line.append(char)
            col += 1
    if line:
        lines.append("".join(line))
    return lines


def _in_terminal(*args: str) -> tuple[int, str]:
    """Run ``sovcheck ARGS`` with a pseudo-terminal as stdout and stderr."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1", "TERM": "xterm"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sovcheck", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        cwd=ROOT,
        env=env,
    )
    os.close(follower)
    chunks: list[bytes] = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the follower side closed: Linux reports EIO
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    code = proc.wait(timeout=120)
    # a terminal turns "\n" into "\r\n"
    return code, b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def test_the_report_starts_on_a_line_of_its_own() -> None:
    code, raw = _in_terminal("audit", "inventories/public-chatbot.yaml")
    assert code == 1
    # progress was shown, and the report came after it
    assert "sovcheck: writing the report" in raw
    screen = _screen(raw)
    assert screen[0].startswith("sovcheck 0.1.0 · Public-information chatbot")
    assert not any("writing the report" in line for line in screen)
    assert screen[-1] == "Verdict: FAIL"


def test_quiet_shows_no_progress() -> None:
    code, raw = _in_terminal("audit", "--quiet", "inventories/public-chatbot.yaml")
    assert code == 1
    assert "sovcheck: reading" not in raw


def test_an_error_of_one_inventory_starts_a_line_of_its_own(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("sovcheck: 1\nsystem: [\n", encoding="utf-8")
    code, raw = _in_terminal("audit", str(bad), str(ROOT / "inventories/public-chatbot.yaml"))
    assert code == 2
    screen = _screen(raw)
    errors = [line for line in screen if line.startswith(str(bad))]
    assert len(errors) == 1, screen[:5]
    assert not any("sovcheck: reading" in line for line in screen)
