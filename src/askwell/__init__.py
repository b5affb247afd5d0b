"""Askwell: make asking for help, and giving it, a routine part of how a team works."""

__version__ = "0.1.0"
