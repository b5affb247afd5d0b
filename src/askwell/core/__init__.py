"""Core: settings, database, unit of work, errors, jobs and the clock shared by every domain."""
