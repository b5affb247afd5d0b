"""Ids typed into forms and query strings: anything that is not a plain ASCII id is no id."""

import pytest

from askwell.http.params import MAX_ID, parse_id


@pytest.mark.parametrize("raw", ["1", " 42 ", str(MAX_ID)])
def test_plain_ids(raw: str) -> None:
    assert parse_id(raw) == int(raw)


@pytest.mark.parametrize("raw", ["", "0", "-1", "²", "1²", "٣", "１", "1.0", "1e3", str(MAX_ID + 1), "x"])
def test_not_ids(raw: str) -> None:
    assert parse_id(raw) is None
