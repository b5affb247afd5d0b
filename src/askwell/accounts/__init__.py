"""Accounts: sign-in, sessions, invitations, password resets and personal API tokens."""
