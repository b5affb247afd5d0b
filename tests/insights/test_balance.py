"""The pure balance rule: patterns relative to the organization's own distribution, and kind nudges."""

from __future__ import annotations

from pathlib import Path

import pytest

from askwell.insights import balance
from askwell.insights.balance import Activity, NudgeAction, Pattern

A = Activity


def _org(*extra: Activity) -> list[Activity]:
    """A typical organization: most people give and ask a few times."""
    return [A(3, 2), A(2, 3), A(4, 2), A(2, 2), A(3, 3), A(1, 1), *extra]


class TestClassify:
    def test_nobody_active_is_quiet_without_dividing(self) -> None:
        limits = balance.thresholds([A(0, 0), A(0, 0)])
        assert balance.classify(A(0, 0), limits) == Pattern.QUIET
        assert limits.active_people == 0

    def test_empty_organization(self) -> None:
        assert balance.classify(A(0, 0), balance.thresholds([])) == Pattern.QUIET

    def test_generous_giver_who_rarely_asks(self) -> None:
        people = _org(A(9, 0))
        assert balance.classify(A(9, 0), balance.thresholds(people)) == Pattern.GENEROUS_GIVER

    def test_frequent_asker_who_rarely_gives(self) -> None:
        people = _org(A(0, 8))
        assert balance.classify(A(0, 8), balance.thresholds(people)) == Pattern.FREQUENT_ASKER

    def test_balanced(self) -> None:
        assert balance.classify(A(3, 3), balance.thresholds(_org())) == Pattern.BALANCED

    def test_little_activity_in_a_busy_organization_is_quiet(self) -> None:
        busy = [A(20, 15), A(18, 20), A(25, 12), A(15, 15), A(22, 19), A(1, 0)]
        assert balance.classify(A(1, 0), balance.thresholds(busy)) == Pattern.QUIET

    def test_thresholds_are_relative_not_fixed_counts(self) -> None:
        """The same counts read differently in a quiet organization and a busy one."""
        quiet_org = [A(1, 0), A(0, 1), A(1, 1), A(0, 1), A(1, 0), A(2, 0)]
        busy_org = [A(20, 15), A(18, 20), A(25, 12), A(15, 15), A(22, 19), A(2, 0)]
        assert balance.classify(A(2, 0), balance.thresholds(quiet_org)) == Pattern.GENEROUS_GIVER
        assert balance.classify(A(2, 0), balance.thresholds(busy_org)) == Pattern.QUIET

    def test_shares_cover_every_pattern(self) -> None:
        patterns = balance.classify_all({1: A(9, 0), 2: A(0, 9), 3: A(3, 3), 4: A(0, 0)})
        shares = balance.shares(patterns)
        assert set(shares) == {p.value for p in Pattern}
        assert sum(shares.values()) == pytest.approx(1.0)
        assert balance.shares({}) == dict.fromkeys(shares, 0.0)

    def test_quantile(self) -> None:
        assert balance.quantile([1, 2, 3, 4], 0.5) == 2.5
        assert balance.quantile([], 0.5) == 0.0


class TestNudge:
    def test_generous_giver_is_invited_to_ask(self) -> None:
        n = balance.nudge(
            Pattern.GENEROUS_GIVER, helped=12, asked=1, received=0, matching_asks=0, period="this quarter"
        )
        assert n.text == "You helped out 12 times this quarter and asked once. What would help you this week?"
        assert n.action == NudgeAction.ASK

    def test_frequent_asker_is_shown_asks_that_match(self) -> None:
        n = balance.nudge(
            Pattern.FREQUENT_ASKER, helped=0, asked=7, received=6, matching_asks=2, period="since March"
        )
        assert n.text == "You've had help 6 times since March. 2 open asks match what you know."
        assert n.action == NudgeAction.MATCHING_ASKS

    @pytest.mark.parametrize("pattern", list(Pattern))
    def test_every_pattern_has_a_nudge_with_an_action(self, pattern: Pattern) -> None:
        n = balance.nudge(pattern, helped=0, asked=0, received=0, matching_asks=0, period="lately")
        assert n.text and n.label and n.action in NudgeAction


FORBIDDEN = ("taker", "sponge")


def test_the_product_never_calls_anyone_a_taker() -> None:
    """Templates, the balance words and every string in the insights domain stay kind."""
    root = Path(__file__).resolve().parents[2] / "src" / "askwell"
    files = [*root.joinpath("web", "templates").rglob("*.html"), *root.joinpath("insights").rglob("*.py")]
    files += list(root.joinpath("web", "routes").rglob("*.py")) + list(root.joinpath("api").rglob("*.py"))
    offenders = [str(f) for f in files for word in FORBIDDEN if word in f.read_text().lower()]
    assert offenders == []
    words = " ".join(balance.PATTERN_WORDS.values()).lower()
    assert not any(w in words for w in FORBIDDEN)
