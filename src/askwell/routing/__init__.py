"""Routing sideways: a help-needed ask goes to two or three peers who can Claim, say Can't, or Suggest someone."""
