"""The terminal report: the width it fits, and colour only where it is wanted."""

from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
import sys
import unicodedata

import pytest

from sovcheck.formats import table
from sovcheck.terminal import (
    DEFAULT_WIDTH,
    ColorChoice,
    file_layout,
    resolve_colour,
    resolve_width,
)
from tests.conftest import INVENTORIES, ROOT, audit

ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
SHIPPED = sorted(INVENTORIES.glob("*.yaml"))
TODAY = ("--today", "2026-11-23")
HOSPITAL = "inventories/hospital-us-cloud.yaml"
TRUSTED = "inventories/hospital-trusted-cloud.yaml"


def width_of(line: str) -> int:
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in ESCAPE.sub("", line)
    )


def widest(text: str) -> int:
    return max(width_of(line) for line in text.splitlines())


class Tty:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


# Width ---------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_line_of_the_audit_fits_the_width(cli, monkeypatch, path, width):
    monkeypatch.setenv("COLUMNS", str(width))
    result = cli("audit", path.relative_to(ROOT), *TODAY)
    assert result.code in (0, 1)
    assert widest(result.out) <= width


@pytest.mark.parametrize("width", [60, 80, 120])
def test_diff_whatif_and_gap_tables_fit_the_width(cli, monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    outputs = [
        cli("diff", HOSPITAL, TRUSTED, *TODAY).out,
        cli("whatif", HOSPITAL, "--replace", "azure-france=ovhcloud", *TODAY).out,
        cli("gap", HOSPITAL, "--format", "table", *TODAY).out,
    ]
    for out in outputs:
        assert out.startswith(("sovcheck diff", "Gap report"))
        assert widest(out) <= width


def test_below_sixty_columns_the_report_is_laid_out_at_sixty(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "30")
    narrow = cli("audit", HOSPITAL, *TODAY).out
    monkeypatch.setenv("COLUMNS", "60")
    assert narrow == cli("audit", HOSPITAL, *TODAY).out


def test_only_a_token_longer_than_the_width_passes_it(cli, monkeypatch, tmp_path):
    long_id = "a" * 90
    inventory = tmp_path / "long.yaml"
    inventory.write_text(
        "sovcheck: 1\nsystem: {name: L, home: FR, trusted: [EU]}\ncomponents:\n"
        f"  - {{id: app, kind: application, name: A, depends_on: [{long_id}]}}\n"
        f"  - {{id: {long_id}, kind: service, name: S, supplier: microsoft}}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("COLUMNS", "80")
    out = cli("audit", inventory, *TODAY).out
    assert long_id in out
    for line in out.splitlines():
        if width_of(line) > 80:
            assert long_id in line, line
    findings = out[out.index("Findings") : out.index("\n\n", out.index("Findings"))]
    assert widest(findings) <= 80  # in a table cell the id is broken instead


def test_piped_output_has_the_default_width_and_the_same_bytes_every_run(cli, monkeypatch):
    monkeypatch.delenv("COLUMNS")
    first, second = cli("audit", HOSPITAL, *TODAY), cli("audit", HOSPITAL, *TODAY)
    assert first.out == second.out
    assert "\x1b" not in first.out
    assert widest(first.out) <= DEFAULT_WIDTH < widest(table.render(audit(HOSPITAL), width=400))
    assert first.out == table.render(audit(HOSPITAL), width=DEFAULT_WIDTH)


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


def test_color_always_adds_escapes_and_only_escapes(cli):
    auto = cli("audit", HOSPITAL, *TODAY)  # NO_COLOR is set for every test (conftest)
    assert "\x1b" not in auto.out
    assert auto.out == cli("audit", HOSPITAL, *TODAY, "--color", "never").out
    for args in (
        ("audit", HOSPITAL, *TODAY),
        ("diff", HOSPITAL, TRUSTED, *TODAY),
        ("gap", HOSPITAL, "--format", "table", *TODAY),
    ):
        coloured = cli(*args, "--color", "always")
        plain = cli(*args, "--color", "never")
        assert "\x1b[3" in coloured.out
        assert "\x1b" not in plain.out
        assert ESCAPE.sub("", coloured.out) == plain.out
        assert coloured.code == plain.code


def test_force_color_colours_a_pipe_unless_no_color_is_set(cli, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b" not in cli("audit", HOSPITAL, *TODAY).out  # NO_COLOR wins
    monkeypatch.delenv("NO_COLOR")
    assert "\x1b[" in cli("audit", HOSPITAL, *TODAY).out


def test_formats_other_than_the_table_are_never_coloured(cli):
    for fmt in ("json", "markdown", "sarif", "junit"):
        assert "\x1b" not in cli("audit", HOSPITAL, "-f", fmt, "--color", "always", *TODAY).out


def test_files_are_never_coloured(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    report, extra = tmp_path / "report.txt", tmp_path / "extra.txt"
    args = ("audit", HOSPITAL, *TODAY, "--color", "always")
    result = cli(*args, "--output", report, "--output-format", f"table={extra}")
    assert result.code == 1
    # laid out as standard output would be at the same COLUMNS (120, conftest), uncoloured
    expected = cli("audit", HOSPITAL, *TODAY, "--color", "never").out
    assert report.read_text(encoding="utf-8") == expected
    assert extra.read_text(encoding="utf-8") == expected
    assert "\x1b" in cli(*args).out


# On a real pseudo-terminal -------------------------------------------------------------


def _on_a_terminal(args: list[str], environ: dict[str, str], columns: int) -> str:
    """Run the CLI with standard output on a pseudo-terminal ``columns`` wide."""
    pty = pytest.importorskip("pty")
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.ONLCR  # no \r before each \n
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR", "FORCE_COLOR")}
    env.update(environ)
    process = subprocess.Popen(
        [sys.executable, "-m", "sovcheck", *args],
        stdout=slave,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=ROOT,
    )
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            process.kill()
            pytest.fail("no output from the pseudo-terminal")
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the other end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    process.wait(timeout=60)
    return b"".join(chunks).decode("utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_on_a_terminal_the_report_fits_it_and_no_color_is_honoured(in_root):
    args = ["audit", HOSPITAL, *TODAY]
    coloured = _on_a_terminal(args, {"TERM": "xterm"}, 72)
    assert "\x1b[31m" in coloured
    assert widest(coloured) <= 72
    plain = _on_a_terminal(args, {"TERM": "xterm", "NO_COLOR": "1"}, 72)
    assert "\x1b" not in plain
    assert plain == ESCAPE.sub("", coloured)
    assert plain == table.render(audit(HOSPITAL), width=72)


def test_default_render_keeps_its_old_signature(in_root):
    report = audit(HOSPITAL)
    assert table.render(report) == table.render(report, width=DEFAULT_WIDTH, colour=False)


# Grouped by rule -----------------------------------------------------------------------


def test_findings_are_grouped_by_rule_with_the_remediation_once(cli):
    result = cli("audit", HOSPITAL, *TODAY)
    assert result.code == 1
    report = audit(HOSPITAL)
    lines = result.out.splitlines()
    remediations = [line for line in lines if line.startswith("  Remediation: ")]
    failing_rules = {f.rule for f in report.findings if f.status.value != "pass"}
    # one remediation per rule listed, none per finding
    assert len(remediations) == len(failing_rules)
    headings = [line.split(" ")[0] for line in lines if re.match(r"^[A-Z]{2}-\d{3} ", line)]
    assert sorted(headings) == sorted(failing_rules)
    assert len(headings) == len(set(headings))
    # the first group is a failing one of the most severe rule that fails
    first = headings[0]
    worst = max(f.severity.rank for f in report.findings if f.status.value == "fail")
    assert any(
        f.rule == first and f.severity.rank == worst and f.status.value == "fail"
        for f in report.findings
    )


def test_the_summary_comes_before_the_findings(cli):
    result = cli("audit", HOSPITAL, *TODAY)
    lines = result.out.splitlines()
    summary = next(i for i, line in enumerate(lines) if line.startswith("FAIL · "))
    objectives = next(i for i, line in enumerate(lines) if line.startswith("Objective "))
    findings = next(i for i, line in enumerate(lines) if line.startswith("Findings ("))
    assert summary < objectives < findings
    assert lines[summary].startswith(
        "FAIL · 5 of 5 gates fail; findings listed: 25 fail, 22 unknown (in 26 rules)"
    )


def test_severity_and_show_passed_choose_the_findings_listed(cli):
    everything = cli("audit", TRUSTED, *TODAY, "--show-passed")
    default = cli("audit", TRUSTED, *TODAY)
    high = cli("audit", TRUSTED, *TODAY, "--show-passed", "--severity", "high")
    assert everything.code == default.code == high.code

    def statuses(out: str) -> set[str]:
        return {m.group(1) for m in re.finditer(r"^  (fail|unknown|waived|pass)\s", out, re.M)}

    def rules(out: str) -> set[str]:
        return {
            line.split(" ")[0] for line in out.splitlines() if re.match(r"^[A-Z]{2}-\d{3} ", line)
        }

    assert "pass" in statuses(everything.out)
    assert "pass" not in statuses(default.out)
    report = audit(TRUSTED)
    high_rules = {r.id for r in report.rules if r.severity.rank >= 3 and r.applicable}
    assert rules(high.out) == high_rules
    assert rules(high.out) < rules(everything.out)


def test_piped_output_fits_80_columns(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    proc = subprocess.run(
        [sys.executable, "-m", "sovcheck", "audit", HOSPITAL, *TODAY],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert widest(proc.stdout) <= 80
    assert DEFAULT_WIDTH == 80
