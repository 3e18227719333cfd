"""sovcheck: how sovereign is an AI system, where does it depend on foreign powers, and
what would it take to fix it."""

__version__ = "0.1.0"
