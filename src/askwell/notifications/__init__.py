"""Notifications: the in-app inbox, with email through the outbox."""
