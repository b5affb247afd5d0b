"""The demo organization: realistic, deterministic sample data for trying Askwell and for benchmarks."""
