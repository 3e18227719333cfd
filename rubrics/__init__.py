"""The shipped rubrics, installed as package data (this folder is the one copy)."""
