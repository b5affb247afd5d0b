"""The pure parts of email both ways: signed tokens, splitting a reply into answers, stripping quotes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from askwell.integrations.mail_inbound import html_to_text, strip_reply
from askwell.notifications import digest, mailtokens
from askwell.notifications.replies import numbered_answers

KEY = b"unit-test-key"
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _token(**changes: object) -> mailtokens.ReplyToken:
    values: dict[str, object] = {
        "kind": mailtokens.ReplyKind.CAN_YOU_HELP,
        "org_id": 12,
        "person_id": 123456,
        "target_id": date(2026, 3, 2).toordinal(),
        "expires_at": NOW + mailtokens.REPLY_VALID_FOR,
    }
    values.update(changes)
    return mailtokens.ReplyToken(**values)  # type: ignore[arg-type]


class TestReplyTokens:
    def test_round_trip_fits_a_local_part_and_survives_uppercasing(self) -> None:
        token = mailtokens.sign_reply(KEY, _token())
        address = mailtokens.reply_address("reply@askwell.test", token)
        assert len(address.partition("@")[0]) <= 64 and token == token.lower()
        found = mailtokens.token_in(address.upper(), "reply@askwell.test")
        assert found is not None
        got = mailtokens.read_reply(KEY, found, now=NOW)
        assert (got.kind, got.org_id, got.person_id) == (mailtokens.ReplyKind.CAN_YOU_HELP, 12, 123456)

    @pytest.mark.parametrize("field", ["org_id", "person_id", "target_id"])
    def test_changing_any_field_breaks_the_signature(self, field: str) -> None:
        good = mailtokens.sign_reply(KEY, _token())
        signature = good.rpartition("-")[2]
        other = mailtokens.sign_reply(KEY, _token(**{field: 7}))
        with pytest.raises(mailtokens.BadToken, match="forged"):
            mailtokens.read_reply(KEY, f"{other.rpartition('-')[0]}-{signature}", now=NOW)

    def test_expired_and_other_keys_and_garbage_are_refused(self) -> None:
        token = mailtokens.sign_reply(KEY, _token())
        with pytest.raises(mailtokens.BadToken, match="expired"):
            mailtokens.read_reply(KEY, token, now=NOW + mailtokens.REPLY_VALID_FOR)
        with pytest.raises(mailtokens.BadToken, match="forged"):
            mailtokens.read_reply(b"other", token, now=NOW)
        for junk in ("", "-", "abc", "x" * 500):
            with pytest.raises(mailtokens.BadToken):
                mailtokens.read_reply(KEY, junk, now=NOW)

    def test_an_unsubscribe_token_is_not_a_reply_token(self) -> None:
        unsubscribe = mailtokens.sign_unsubscribe(KEY, org_id=1, person_id=2)
        assert mailtokens.read_unsubscribe(KEY, unsubscribe) == (1, 2)
        with pytest.raises(mailtokens.BadToken):
            mailtokens.read_reply(KEY, unsubscribe, now=NOW)

    def test_only_this_servers_reply_address_carries_a_token(self) -> None:
        assert mailtokens.token_in("reply+abc@askwell.test", "reply@askwell.test") == "abc"
        assert mailtokens.token_in("reply+abc@elsewhere.test", "reply@askwell.test") is None
        assert mailtokens.token_in("replyx+abc@askwell.test", "reply@askwell.test") is None
        assert mailtokens.token_in("reply+@askwell.test", "reply@askwell.test") is None


class TestAnswers:
    def test_numbered_paragraphs_answer_questions_in_order(self) -> None:
        text = "1. Login fix\nand its test\n2) Export job\n3: Need a Kafka reviewer"
        assert numbered_answers(text, 3) == ["Login fix\nand its test", "Export job", "Need a Kafka reviewer"]

    def test_plain_text_answers_the_first_and_out_of_range_numbers_stay_text(self) -> None:
        assert numbered_answers("Shipped it.\n7. not a question", 3) == [
            "Shipped it.\n7. not a question",
            "",
            "",
        ]


class TestStripping:
    def test_quoted_text_and_signature_are_removed(self) -> None:
        body = (
            "Happy to help with this.\n\n-- \nAda Lovelace\nAnalytical Engines Ltd\n\n"
            "On Mon, 2 Mar 2026 at 09:30, Askwell <noreply@askwell.test> wrote:\n> Can you help?\n> Reply.\n"
        )
        assert strip_reply(body) == "Happy to help with this."

    def test_a_german_client_header_is_recognized(self) -> None:
        body = (
            "Gerne.\n\nAm 02.03.2026 um 09:30 schrieb Askwell <noreply@askwell.test>:\n> Kannst du helfen?\n"
        )
        assert strip_reply(body) == "Gerne."

    def test_html_only_mail_keeps_its_text_without_blockquotes(self) -> None:
        html = "<div>Yes, I can.<br>Tomorrow?</div><blockquote>Can you help?</blockquote>"
        assert html_to_text(html).strip() == "Yes, I can.\nTomorrow?"


class TestWeeklyDue:
    def test_only_on_the_persons_monday_morning(self) -> None:
        from zoneinfo import ZoneInfo

        tz = ZoneInfo("Asia/Kolkata")  # NOW (Monday 09:30 UTC) is Monday 15:00 there: too late
        assert not digest.due(now=NOW, tz=tz, last_sent_at=None, weekly=True)
        monday_morning = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # 08:30 in Kolkata
        assert digest.due(now=monday_morning, tz=tz, last_sent_at=None, weekly=True)
        assert not digest.due(now=monday_morning + timedelta(days=1), tz=tz, last_sent_at=None, weekly=True)
        assert digest.due(now=monday_morning + timedelta(days=1), tz=tz, last_sent_at=None, weekly=False)


def test_only_the_start_of_a_long_body_is_parsed() -> None:
    from askwell.integrations.mail_inbound import MAX_TEXT_CHARS

    body = "Yes, I can help.\n\n" + "-- \n" * MAX_TEXT_CHARS  # far more than is read
    assert strip_reply(body) == "Yes, I can help."
