"""Coaching quotes a person's words exactly as written, and says effort as the asker said it.

The property tests run the review over every labelled ask we have (used as input text only, the labels are
not read) and check each quote against the text: exact characters, whole words and numbers, one line.
"""

import json
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from askwell.asks.coaching import AskDraft, Review, review
from askwell.asks.effort import describe_hours, find_stated_effort

TZ = ZoneInfo("America/New_York")
NOW = datetime(2025, 3, 3, 9, 0, tzinfo=TZ)  # a Monday morning
ROOT = Path(__file__).resolve().parents[2]
# The development set lives beside the checkout (../shared, as in the Makefile), when it is there.
_SHARED_DEV = [
    path
    for parent in ROOT.parents
    if (path := parent / "shared" / "data" / "asks" / "smart_dev.jsonl").is_file()
][:1]
ASK_FILES = sorted((ROOT / "data" / "asks").glob("*.jsonl")) + _SHARED_DEV
# A fragment between quote marks in a reason or rewrite: 'like this' or "like this".
SHOWN_QUOTE = re.compile(r"""(?:^|(?<=[\s(:]))(['"])(.+?)\1(?=[\s).,;:!?—]|$)""")


def coach(text: str, **parts: object) -> Review:
    return review(AskDraft(text, **parts), now=NOW, tz=TZ)  # type: ignore[arg-type]


def ask_texts() -> list[str]:
    texts = []
    for path in ASK_FILES:
        with path.open(encoding="utf-8") as fh:
            texts.extend(json.loads(line)["text"] for line in fh if line.strip())
    return texts


def drafts() -> list[str]:
    """Each ask as typed in one box, and as the form sends it: a title line, then the body."""
    out = []
    for text in ask_texts():
        out.append(text)
        first, _, rest = text.partition(". ")
        if rest:
            out.append(f"  {first}\n{rest}")  # leading spaces: spans must still count from the draft
    return out


def cuts_a_token(text: str, at: int) -> bool:
    return 0 < at < len(text) and text[at - 1].isalnum() and text[at].isalnum()


def quote_problems(text: str, result: Review) -> list[str]:
    problems = []
    for c in result.criteria:
        for q in c.quotes:
            if text[q.start : q.end] != q.text or not q.text.strip():
                problems.append(f"{c.criterion}: {q!r} is not the text at its span")
            elif "\n" in q.text:
                problems.append(f"{c.criterion}: {q.text!r} runs over a line break")
            elif cuts_a_token(text, q.start) or cuts_a_token(text, q.end):
                problems.append(f"{c.criterion}: {q.text!r} cuts a word or number")
        for shown in (c.reason, c.rewrite or ""):
            for m in SHOWN_QUOTE.finditer(shown):
                # Quote marks the author typed travel with their words into a rewrite: those are theirs.
                if m.group(0) in text:
                    continue
                if not any(m.group(2) in q.text for q in c.quotes):
                    problems.append(f"{c.criterion}: shows {m.group(2)!r} without a span behind it")
    for d in result.deliverables:
        if text[d.start : d.end] != d.text:
            problems.append(f"deliverable {d.text!r} is not the text at its span")
    deadline = result.deadline
    if deadline is not None:
        if text[deadline.start : deadline.end] != deadline.text:
            problems.append(f"deadline {deadline.text!r} is not the text at its span")
        elif cuts_a_token(text, deadline.start) or cuts_a_token(text, deadline.end):
            problems.append(f"deadline {deadline.text!r} cuts a word or number")
    return problems


def test_the_labelled_ask_sets_are_here() -> None:
    assert len(ask_texts()) >= 400


@pytest.mark.parametrize("text", drafts())
def test_every_quote_is_the_askers_words_exactly(text: str) -> None:
    assert quote_problems(text, coach(text)) == []


@pytest.mark.parametrize("text", drafts())
def test_our_own_estimates_are_worded_for_people(text: str) -> None:
    for c in coach(text).criteria:
        ours = c.reason
        for q in c.quotes:
            ours = ours.replace(q.text, "")  # the asker may write "20 min"; we never do
        assert not re.search(r"\d\.\d h\b|\d+ h\b|\d+ min\b", ours), c.reason


class TestStakesAreQuotedWhole:
    @pytest.mark.parametrize(
        ("text", "quoted"),
        [
            ("Can someone review the churn model by Friday? 12% of trial users drop off at step 3.", "12%"),
            ("Could you review PR #4412 by Friday? It costs us $15,000 a day.", "$15,000"),
            ("Can you check the pricing page by Friday? Conversion fell 1.5% last week.", "1.5%"),
            ("Could you fix the export by Friday? We lost 30 customers over it.", "lost 30"),
        ],
    )
    def test_a_figure_is_never_cut(self, text: str, quoted: str) -> None:
        m = coach(text).get("M")
        assert m.status == "met"
        assert m.quotes and quoted in m.quotes[0].text and quoted in m.reason

    def test_the_reported_bug_12_percent_is_not_2_percent(self) -> None:
        reason = (
            coach("Could you send me the Q3 churn numbers by Friday? We're at 12% churn.").get("M").reason
        )
        assert "'2%" not in reason and "12%" in reason

    def test_the_stake_comes_with_its_clause(self) -> None:
        text = "Could you review PR #4412 by Friday? It's blocking the payments release."
        assert "'blocking the payments release'" in coach(text).get("M").reason


class TestEffortIsShownAsStated:
    def test_the_reported_bug_about_30_minutes(self) -> None:
        text = "Could you walk me through the deploy script on Thursday? It's about 30 minutes."
        r = coach(text).get("R")
        assert "'about 30 minutes'" in r.reason
        assert " h " not in r.reason and "2.0" not in r.reason
        assert coach(text).effort_hours == pytest.approx(0.5)

    def test_the_form_figure_is_shown_as_typed(self) -> None:
        assert (
            coach("Can you send the deck by Friday?", effort_hours=1.5)
            .get("R")
            .reason.startswith("You put it at 1.5 hours")
        )

    def test_without_a_stated_figure_our_estimate_is_natural(self) -> None:
        reason = coach("Could you review PR #4412 by Friday?").get("R").reason
        assert reason.startswith("About an hour of work for a helper, by our estimate")

    def test_too_much_for_the_time_says_so_in_the_askers_words(self) -> None:
        text = "Can someone port the billing service to Go by tomorrow? It'll take 3 days."
        r = coach(text).get("R")
        assert r.status != "met" and "'3 days'" in r.reason

    @pytest.mark.parametrize(
        ("text", "phrase", "hours"),
        [
            ("should take ~20 min", "~20 min", 20 / 60),
            ("Can you look? It's about 30 minutes.", "about 30 minutes", 0.5),
            ("it'll take 20-30 min", "20-30 min", 0.5),
            ("should only take half an hour", "half an hour", 0.5),
            ("it would take an hour or two", "an hour or two", 2.0),
            ("might take a day or two", "a day or two", 16.0),
            ("will take 2 days", "2 days", 16.0),
            ("should take 1.5 hours", "1.5 hours", 1.5),
            ("an hour and a half should do; it should take an hour and a half", "an hour and a half", 1.5),
            ("anyone have 15 minutes to look at this?", "15 minutes", 0.25),
            ("can you spare an hour this week?", "an hour", 1.0),
            ("grab a quick 15-minute call with me?", "a quick 15-minute", 0.25),
            ("I'd like 20 minutes with her", "20 minutes", 20 / 60),
            ("might give us 30 min of feedback on the deck", "30 min", 0.5),
            ("need 2 hours of your time", "2 hours", 2.0),
            ("the soundboard job, ~3 hrs", "~3 hrs", 3.0),
            ("90 mins max", "90 mins", 1.5),
        ],
    )
    def test_stated_effort_is_read(self, text: str, phrase: str, hours: float) -> None:
        stated = find_stated_effort(text)
        assert stated is not None
        assert stated.text == phrase and text[stated.start : stated.end] == phrase
        assert stated.hours == pytest.approx(hours)

    @pytest.mark.parametrize(
        "text",
        [
            "The FDA audit is in 3 days.",
            "CI now takes 40 min; it used to be 12.",
            "Each run takes ~3 hours on 8 nodes.",
            "Lead it over the next 6 weeks, about 2 hours a week.",
            "The supplier has them on backorder for three weeks.",
            "We lose two days fixing it every month.",
            "Search has been failing for the last 20 min.",
            "Every restart drops ~20 min of indexing.",
            "The portal closes in 20 min.",
            "Help me with my 2-hour meeting prep.",
        ],
    )
    def test_times_that_are_not_the_work_are_not_effort(self, text: str) -> None:
        assert find_stated_effort(text) is None

    def test_for_an_hour_inside_the_request_is_stated(self) -> None:
        r = coach("Can someone pair with me for an hour on the parser tomorrow?").get("R")
        assert "'an hour'" in r.reason

    @pytest.mark.parametrize(
        ("hours", "words"),
        [
            (0.25, "about 15 minutes"),
            (0.5, "about half an hour"),
            (1.0, "about an hour"),
            (1.5, "about an hour and a half"),
            (2.0, "about 2 hours"),
            (8.0, "about a working day"),
            (16.0, "about 2 working days"),
            (400.0, "about 10 working weeks"),
        ],
    )
    def test_our_estimates_read_as_people_say_them(self, hours: float, words: str) -> None:
        assert describe_hours(hours) == words

    @pytest.mark.parametrize(("hours", "words"), [(0.5, "30 minutes"), (1.0, "1 hour"), (2.5, "2.5 hours")])
    def test_a_typed_figure_is_worded_exactly(self, hours: float, words: str) -> None:
        assert describe_hours(hours, exact=True) == words


class TestSpansSurviveParsing:
    def test_a_typo_and_a_politeness_formula_stay_as_written(self) -> None:
        text = "Can sombody be able to fix the build and also update the runbook by Friday? Thanks"
        result = coach(text)
        assert [d.text for d in result.deliverables] == ["fix the build", "update the runbook by Friday"]
        assert quote_problems(text, result) == []
        assert '"fix the build"' in (result.get("R").rewrite or "")

    def test_a_vague_phrase_is_quoted_from_the_sentence_as_written(self) -> None:
        text = "Two small things: can anyone help me with stuff?"
        s = coach(text).get("S")
        assert s.quotes and text[s.quotes[0].start : s.quotes[0].end] == s.quotes[0].text

    def test_the_deadline_rewrite_replaces_the_deadline_not_an_earlier_word(self) -> None:
        result = coach("We'll know soon enough. Can you send it soon?")
        assert result.get("T").rewrite == "We'll know soon enough. Can you send it by Wednesday 5 March?"

    def test_a_unit_after_a_figure_is_not_a_name(self) -> None:
        reason = coach("Can someone move box B from the 4°C fridge by noon today?").get("S").reason
        assert "'C'" not in reason
