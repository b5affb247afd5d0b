from datetime import UTC, datetime, timedelta

from askwell.matching.scoring import LOAD_CAP, WEIGHTS, CandidateFeatures, Tie, rank

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _expert(person_id: str, **overrides: object) -> CandidateFeatures:
    base: dict[str, object] = {"person_id": person_id, "fit": 0.8, "similar_helps": 2, "total_helps": 6}
    return CandidateFeatures(**{**base, **overrides})  # type: ignore[arg-type]


def _ids(suggestions: list) -> list:
    return [s.person_id for s in suggestions]


class TestRanking:
    def test_better_fit_and_evidence_rank_first(self) -> None:
        weak = CandidateFeatures(person_id="weak", fit=0.2)
        strong = _expert("strong")
        assert _ids(rank([weak, strong], now=NOW)) == ["strong", "weak"]

    def test_absent_optional_features_do_not_change_the_order(self) -> None:
        a, b = _expert("a", fit=0.9), _expert("b", fit=0.7)
        with_ties = [_expert("a", fit=0.9, tie=None), _expert("b", fit=0.7, tie=None)]
        assert _ids(rank([b, a], now=NOW)) == _ids(rank(with_ties, now=NOW)) == ["a", "b"]

    def test_direct_tie_beats_no_path_at_equal_skill(self) -> None:
        stranger = _expert("stranger", tie=Tie.NONE)
        friend = _expert("friend", tie=Tie.DIRECT)
        result = rank([stranger, friend], now=NOW)
        assert _ids(result) == ["friend", "stranger"]
        assert "You already know each other" in result[0].reasons

    def test_two_step_names_the_connector(self) -> None:
        result = rank([_expert("t", tie=Tie.TWO_STEP, connector="Dana")], now=NOW)
        assert "Two steps away: Dana can introduce you" in result[0].reasons

    def test_calibrated_weights_replace_the_defaults(self) -> None:
        talker = CandidateFeatures(person_id="talker", fit=0.9)
        doer = CandidateFeatures(
            person_id="doer", fit=0.2, helped_at=(NOW - timedelta(days=1),) * 5, total_helps=5
        )
        text_only = {name: 1.0 if name == "fit" else 0.0 for name in WEIGHTS}
        behaviour_only = {name: 0.0 if name in ("fit", "evidence") else 1.0 for name in WEIGHTS}
        assert _ids(rank([doer, talker], now=NOW, weights=text_only)) == ["talker", "doer"]
        assert _ids(rank([talker, doer], now=NOW, weights=behaviour_only)) == ["doer", "talker"]

    def test_limit_cuts_the_list(self) -> None:
        people = [_expert(str(i), fit=i / 10) for i in range(8)]
        assert len(rank(people, now=NOW, limit=3)) == 3
        assert len(rank(people, now=NOW, limit=None)) == 8


class TestLoadCap:
    def test_overloaded_generous_giver_drops_below_a_slightly_weaker_free_person(self) -> None:
        generous = _expert("generous", fit=0.9, recent_helps=LOAD_CAP + 1)
        free = _expert("free", fit=0.7)
        result = rank([generous, free], now=NOW)
        assert _ids(result) == ["free", "generous"]
        assert result[1].reasons[0] == f"Already helping with {LOAD_CAP + 1} asks, so suggested sparingly"

    def test_a_little_load_costs_nothing(self) -> None:
        busy = rank([_expert("x", open_commitments=1)], now=NOW)[0]
        idle = rank([_expert("x")], now=NOW)[0]
        assert busy.score == idle.score

    def test_volume_alone_saturates(self) -> None:
        prolific = CandidateFeatures(person_id="prolific", fit=0.1, total_helps=500)
        expert = CandidateFeatures(person_id="expert", fit=0.9, similar_helps=1, total_helps=2)
        assert _ids(rank([prolific, expert], now=NOW)) == ["expert", "prolific"]


class TestAvailability:
    def test_away_person_is_demoted_and_told(self) -> None:
        away = _expert("away", fit=1.0, away_until=NOW + timedelta(days=10))
        here = _expert("here", fit=0.6)
        result = rank([away, here], now=NOW)
        assert _ids(result) == ["here", "away"]
        assert result[1].reasons[0] == "Away until 12 Mar"

    def test_back_before_the_due_date_costs_less(self) -> None:
        person = _expert("p", away_until=NOW + timedelta(days=2))
        before_due = rank([person], now=NOW, due=NOW + timedelta(days=7))[0]
        after_due = rank([person], now=NOW, due=NOW + timedelta(days=1))[0]
        assert before_due.score > after_due.score
        assert before_due.reasons[0] == "Away until 4 Mar, back before your due date"

    def test_away_date_in_the_past_is_ignored(self) -> None:
        back = rank([_expert("p", away_until=NOW - timedelta(days=1))], now=NOW)[0]
        assert back.score == rank([_expert("p")], now=NOW)[0].score


class TestDiversity:
    def _team(self, count: int) -> list[CandidateFeatures]:
        return [_expert(f"mate{i}", fit=0.9 - i * 0.01, team="infra") for i in range(count)]

    def test_good_outsider_takes_the_last_visible_place(self) -> None:
        outsider = _expert("outsider", fit=0.6, team="data")
        result = rank([*self._team(6), outsider], now=NOW, asker_team="infra")
        assert len(result) == 5
        assert result[4].person_id == "outsider"
        assert result[4].reasons[0].startswith("From outside your team (data)")

    def test_weak_outsider_is_not_forced_in(self) -> None:
        outsider = CandidateFeatures(person_id="outsider", fit=0.05, team="data")
        assert "outsider" not in _ids(rank([*self._team(6), outsider], now=NOW, asker_team="infra"))

    def test_no_swap_when_an_outsider_is_already_shown(self) -> None:
        people = [*self._team(6), _expert("outsider", fit=0.95, team="data")]
        assert _ids(rank(people, now=NOW, asker_team="infra"))[0] == "outsider"


class TestReasons:
    def test_past_help_reads_like_a_sentence(self) -> None:
        person = _expert("k", similar_helps=3, similar_thanks=2, topic="Kubernetes")
        assert rank([person], now=NOW)[0].reasons[0] == "Helped with 3 asks about Kubernetes, thanked twice"

    def test_at_most_three_reasons(self) -> None:
        person = _expert(
            "busy",
            matched_terms=("helm", "ingress"),
            tie=Tie.DORMANT,
            median_reply=timedelta(hours=3),
            total_helps=40,
            recent_helps=LOAD_CAP,
            away_until=NOW + timedelta(days=3),
        )
        reasons = rank([person], now=NOW)[0].reasons
        assert len(reasons) == 3
        assert reasons[0].startswith("Away until") and reasons[1].startswith("Already helping")

    def test_matched_terms_are_listed(self) -> None:
        person = CandidateFeatures(person_id="p", fit=0.9, matched_terms=("helm", "ingress", "tls"))
        assert rank([person], now=NOW)[0].reasons == ("Knows about helm, ingress and tls",)

    def test_recent_help_counts_more_than_old_help(self) -> None:
        recent = CandidateFeatures(
            person_id="recent", helped_at=(NOW - timedelta(days=5),) * 3, total_helps=3
        )
        old = CandidateFeatures(person_id="old", helped_at=(NOW - timedelta(days=700),) * 3, total_helps=3)
        assert _ids(rank([old, recent], now=NOW)) == ["recent", "old"]
