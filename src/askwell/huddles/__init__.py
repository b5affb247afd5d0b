"""Huddles: a short on-the-spot meeting someone calls when stuck, with helpers in working hours now."""
