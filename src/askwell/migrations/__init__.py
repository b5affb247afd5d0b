"""Alembic migrations (run with `askwell db upgrade`)."""
