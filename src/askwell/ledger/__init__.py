"""The ledger: the append-only record of asks, offers, help given, thanks and introductions."""
