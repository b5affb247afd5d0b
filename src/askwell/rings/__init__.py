"""Reciprocity rings: a facilitated group in which everyone makes one request and helps others with theirs."""
