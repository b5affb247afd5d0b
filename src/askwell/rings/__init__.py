"""Reciprocity rings: many asks and many offers in one session, paired by a facilitator."""
