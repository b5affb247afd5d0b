"""Offline evaluations of Askwell's intelligence on real public data."""
