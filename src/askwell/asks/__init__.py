"""Asks: SMART coaching, offers, thanks and the ledger."""
