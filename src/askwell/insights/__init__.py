"""Insights: give/ask balance for each person (private), the leader mirror and team and organization aggregates."""
