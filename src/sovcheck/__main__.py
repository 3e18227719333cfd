from sovcheck.cli import entry

entry()
