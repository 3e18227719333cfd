"""The help of the command line: what it says, and that it starts without the audit."""

from __future__ import annotations

import subprocess
import sys
import textwrap

COMMANDS = (
    "audit",
    "validate",
    "schema",
    "gap",
    "whatif",
    "diff",
    "graph",
    "import",
    "portfolio",
    "rubric",
    "catalog",
)


def _joined(text: str) -> str:
    """Help text with its line wrapping undone, to compare sentences whatever the width."""
    return " ".join(text.split())


def test_help_lists_every_command_with_its_whole_first_sentence(cli):
    result = cli("--help")
    assert result.code == 0
    assert result.out.startswith("Usage: sovcheck [OPTIONS] COMMAND [ARGS]...\n")
    listed = result.out.split("Commands:\n", 1)[1]
    names = [line.split()[0] for line in listed.splitlines() if not line.startswith("    ")]
    assert names == list(COMMANDS)
    joined = _joined(listed)
    # Not cut to the line's width ("...") as click would: the sentences are whole.
    assert "..." not in listed
    assert (
        "portfolio Audit many systems and answer for the whole portfolio: concentration, shared "
        "single points of failure, distribution of scores and levels, targets, trend."
    ) in joined
    assert "audit Audit inventories: scores per objective, explained findings, gates." in joined


def test_command_help_keeps_every_option_and_its_default(cli):
    result = cli("audit", "--help")
    assert result.code == 0
    text = _joined(result.out)
    assert "Exit 0 when every gate holds for every inventory, 1 when a gate fails" in text
    # Written as text, not taken for markup and dropped.
    assert "Report format. [default: table]" in text
    assert "Shipped rubric id or path to a rubric file. [default: default]" in text
    for option in ("--fail-under", "--min-level, --min-seal", "--baseline", "--color"):
        assert option in result.out
    assert "╭" not in result.out  # plain text, no boxes


def test_group_help_lists_its_commands(cli):
    result = cli("rubric", "--help")
    assert result.code == 0
    assert "List and show the shipped rubrics." in result.out
    assert [
        line.split()[0]
        for line in result.out.split("Commands:\n", 1)[1].splitlines()
        if not line.startswith("    ")
    ] == ["list", "show", "facts"]


def test_help_of_a_command_missing_its_argument_is_a_usage_error(cli):
    result = cli("graph")
    assert result.code == 2
    assert result.err.startswith("Usage: sovcheck graph [OPTIONS] {inventory}\n")
    assert result.err.rstrip().endswith("Error: Missing argument 'inventory'.")
    assert result.out == ""


def test_help_imports_neither_pydantic_nor_the_audit():
    """``sovcheck --help`` builds the command line from light modules only: the models,
    the catalog and the rules are imported by the commands that use them."""
    script = textwrap.dedent(
        """
        import sys
        from sovcheck.cli import main
        sys.argv = ["sovcheck", "--help"]
        try:
            main()
        except SystemExit as exc:
            code = exc.code
        heavy = sorted(
            m for m in sys.modules
            if m.split(".")[0] in ("pydantic", "ruamel", "networkx", "tabulate", "rich")
            or m in ("sovcheck.audit", "sovcheck.catalog", "sovcheck.engine", "sovcheck.plan")
        )
        print(code, heavy, file=sys.stderr)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.stderr.strip() == "0 []"
    assert "Commands:" in done.stdout
