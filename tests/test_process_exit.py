"""How the process ends when its surroundings fail: a reader that goes away, a full disk,
SIGTERM in the middle of a write; and the modes of the files it writes."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sovcheck import cli
from tests.conftest import ROOT

US = "inventories/hospital-us-cloud.yaml"
AUDIT = [sys.executable, "-m", "sovcheck", "audit", "--today", "2026-11-23"]


def test_a_closed_standard_output_exits_141_quietly() -> None:
    proc = subprocess.Popen(
        [*AUDIT, "inventories", "--format", "json"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the report is written
    err = proc.stderr.read()
    assert proc.wait() == cli.EXIT_CLOSED_PIPE == 141
    assert err == b""


def test_a_failing_gate_still_exits_1() -> None:
    proc = subprocess.run([*AUDIT, US], cwd=ROOT, capture_output=True)
    assert proc.returncode == 1


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_standard_output_on_a_full_disk_is_exit_2_with_a_message() -> None:
    with Path("/dev/full").open("wb") as full:
        proc = subprocess.run(
            [*AUDIT, US, "--format", "json"], cwd=ROOT, stdout=full, stderr=subprocess.PIPE
        )
    assert proc.returncode == 2
    assert proc.stderr == b"sovcheck: cannot write standard output: No space left on device\n"


def _stat_mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_output_file_follows_the_umask(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    old = os.umask(0o027)
    try:
        cli.write_atomically(target, "{}\n", [])
    finally:
        os.umask(old)
    assert _stat_mode(target) == 0o640


def test_a_replaced_output_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o604)
    cli.write_atomically(target, "{}\n", [])
    assert target.read_text(encoding="utf-8") == "{}\n"
    assert _stat_mode(target) == 0o604


def test_sigterm_during_a_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"

    def chunks() -> Iterator[bytes]:
        yield b"{"
        os.kill(os.getpid(), signal.SIGTERM)  # the handler raises at the next bytecode
        yield b"}\n"

    previous = signal.signal(signal.SIGTERM, cli._terminate)
    try:
        with pytest.raises(cli.Terminated):
            cli.write_atomically(target, chunks(), [])
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert list(tmp_path.iterdir()) == []


def test_sigterm_exits_143(tmp_path: Path) -> None:
    """A SIGTERM before any work: the process ends with 143 and no traceback."""
    code = (
        "import os, signal, sys\n"
        "from sovcheck import cli\n"
        "sys.argv = ['sovcheck', 'audit', 'inventories/hospital-us-cloud.yaml']\n"
        "orig = cli.app\n"
        "def app(**kw):\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    return orig(**kw)\n"
        "cli.app = app\n"
        "cli.main()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True)
    assert proc.returncode == cli.EXIT_TERMINATED == 143
    assert b"Traceback" not in proc.stderr


class _Ended(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


def test_the_command_ends_at_once_once_everything_is_flushed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """The ``sovcheck`` command ends with os._exit and the audit's exit code, after its
    output is flushed; main (what tests run in-process) still raises SystemExit."""
    ended: list[int] = []

    def fake_exit(code: int) -> None:
        ended.append(code)
        raise _Ended(code)

    monkeypatch.setattr(os, "_exit", fake_exit)
    monkeypatch.chdir(ROOT)
    sarif = tmp_path / "out.sarif"
    args = ["sovcheck", "audit", US, "--format", "json", "--output-format", f"sarif={sarif}"]
    monkeypatch.setattr(sys, "argv", [*args, "--today", "2026-11-23"])
    with pytest.raises(_Ended):
        cli.entry()
    assert ended == [1]
    out = capfd.readouterr().out
    assert out.startswith("{") and out.endswith("}\n")
    assert '"report_version": 2' in out
    assert sarif.read_text(encoding="utf-8").endswith("}\n")
    monkeypatch.setattr(sys, "argv", ["sovcheck", "audit", "missing.yaml"])
    with pytest.raises(_Ended):
        cli.entry()
    assert ended == [1, 2]
    assert "missing.yaml" in capfd.readouterr().err
    with pytest.raises(SystemExit) as exc:
        cli.main()
    assert exc.value.code == 2
    assert ended == [1, 2]


@pytest.mark.parametrize(("inventory", "code"), [(US, 1), ("missing.yaml", 2)])
def test_the_command_keeps_its_exit_code_and_whole_output(inventory: str, code: int) -> None:
    proc = subprocess.run([*AUDIT, inventory, "--format", "json"], cwd=ROOT, capture_output=True)
    assert proc.returncode == code
    if code == 1:
        assert proc.stdout.decode("utf-8").endswith("}\n")
        assert proc.stderr == b""
    else:
        assert proc.stdout == b""
        assert b"missing.yaml" in proc.stderr
