"""Immutable models of what sovcheck reads (inventory, rubric) and writes (report)."""
