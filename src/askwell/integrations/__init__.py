"""Adapters to the outside world (email, ...). They import only core."""
