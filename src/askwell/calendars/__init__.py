"""Calendars: a private per-person ICS feed of ask due dates, ring sessions and huddles."""
