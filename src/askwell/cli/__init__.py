"""The `askwell` command line (Typer)."""
