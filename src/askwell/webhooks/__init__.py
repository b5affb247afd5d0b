"""Outgoing webhooks: an organization's chosen events, signed (Standard Webhooks) and delivered by jobs."""
