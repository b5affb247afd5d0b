"""Benchmarks run by `make bench` (``python -m benchmarks``); results go to docs/benchmarks.md."""
