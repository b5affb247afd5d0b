"""The pure ring assignment: constraints, lexicographic costs, explanations and messages."""

from __future__ import annotations

from askwell.rings.assignment import (
    Assignment,
    AssignmentRules,
    Candidate,
    RequestSlot,
    explain,
    propose,
    propose_greedy,
)


def _pairs(result: Assignment) -> set[tuple[int, int]]:
    return {(p.request_id, p.helper_id) for p in result.pairings}


def test_covering_a_second_request_beats_a_better_fit() -> None:
    # Helper 20 fits request 1 best, but only 20 can help request 2: the optimum sends 21 to request 1.
    requests = [RequestSlot(1, 10), RequestSlot(2, 11)]
    candidates = [
        Candidate(1, 20, fit=1.0, offered=False),
        Candidate(1, 21, fit=0.1, offered=False),
        Candidate(2, 20, fit=0.1, offered=False),
    ]
    rules = AssignmentRules(capacity=1, max_helpers_per_request=1)
    best = propose(requests, candidates, rules)
    assert _pairs(best) == {(1, 21), (2, 20)} and best.unfilled == () and best.message is None
    greedy = propose_greedy(requests, candidates, rules)
    assert _pairs(greedy) == {(1, 20)} and greedy.unfilled == (2,)
    assert best.objective < greedy.objective
    assert greedy.message is not None and "capacity" in greedy.message


def test_an_offer_beats_a_suggestion_of_any_fit() -> None:
    requests = [RequestSlot(1, 10)]
    candidates = [
        Candidate(1, 20, fit=1.0, offered=False, reach=1.0),
        Candidate(1, 21, fit=0.0, offered=True, offer_note="I know someone"),
    ]
    result = propose(requests, candidates, AssignmentRules(max_helpers_per_request=1))
    assert [(p.helper_id, p.source) for p in result.pairings] == [(21, "offer")]
    assert result.pairings[0].explanation.startswith("Offered: “I know someone”")


def test_fit_then_reach_break_ties_among_suggestions() -> None:
    requests = [RequestSlot(1, 10)]
    candidates = [
        Candidate(1, 20, fit=0.5, offered=False, reach=0.0),
        Candidate(1, 21, fit=0.5, offered=False, reach=1.0),
        Candidate(1, 22, fit=0.9, offered=False, reach=0.0),
    ]
    result = propose(requests, candidates, AssignmentRules(max_helpers_per_request=2))
    assert _pairs(result) == {(1, 22), (1, 21)}


def test_own_request_declines_and_capacity_overrides_are_respected() -> None:
    requests = [RequestSlot(1, 10), RequestSlot(2, 11)]
    candidates = [
        Candidate(1, 10, fit=1.0, offered=True),  # the requester themselves
        Candidate(1, 20, fit=1.0, offered=True),  # declined below
        Candidate(2, 21, fit=1.0, offered=True),  # capacity 0 (already busy)
        Candidate(2, 22, fit=0.2, offered=False),
    ]
    rules = AssignmentRules(declined=frozenset({(1, 20)}), capacities={21: 0})
    result = propose(requests, candidates, rules)
    assert _pairs(result) == {(2, 22)}
    assert result.unfilled == (1,)
    assert result.message == "1 request has nobody who offered or could be suggested."


def test_a_second_helper_is_added_up_to_k() -> None:
    requests = [RequestSlot(1, 10)]
    candidates = [Candidate(1, h, fit=0.3, offered=False) for h in (20, 21, 22)]
    assert len(propose(requests, candidates, AssignmentRules(max_helpers_per_request=2)).pairings) == 2
    assert len(propose(requests, candidates, AssignmentRules(max_helpers_per_request=3)).pairings) == 3


def test_invalid_rules_give_a_message_not_an_exception() -> None:
    requests = [RequestSlot(1, 10)]
    candidates = [Candidate(1, 20, fit=0.3, offered=False)]
    for rules in (AssignmentRules(max_helpers_per_request=0), AssignmentRules(capacity=-1)):
        for solve in (propose, propose_greedy):
            result = solve(requests, candidates, rules)
            assert result.pairings == () and result.unfilled == (1,)
            assert result.message and "nothing was proposed" in result.message


def test_empty_inputs() -> None:
    assert propose([], [], AssignmentRules()) == Assignment((), (), 0, None)
    nobody = propose([RequestSlot(1, 10), RequestSlot(2, 10)], [], AssignmentRules())
    assert nobody.unfilled == (1, 2)
    assert nobody.message == "2 requests have nobody who offered or could be suggested."


def test_candidates_for_unknown_requests_and_duplicates_are_ignored() -> None:
    requests = [RequestSlot(1, 10)]
    candidates = [
        Candidate(9, 20, fit=1.0, offered=True),
        Candidate(1, 20, fit=0.1, offered=False),
        Candidate(1, 20, fit=0.2, offered=True, offer_note="I can help"),
    ]
    result = propose(requests, candidates, AssignmentRules())
    assert [(p.request_id, p.helper_id, p.source) for p in result.pairings] == [(1, 20, "offer")]


def test_explanation_is_words_only() -> None:
    text = explain(
        Candidate(
            1,
            20,
            fit=0.8,
            offered=False,
            reach=0.5,
            reasons=("dbt", "42", "  SQL ", "dbt", "tok_9", "x", "y"),
        )
    )
    assert text == "Suggested from who can help · knows dbt, SQL, tok_9 · two steps from the requester"
    assert explain(Candidate(1, 20, fit=0, offered=True)) == "Offered to help"
    assert explain(Candidate(1, 20, fit=0, offered=True, reach=1.0, offer_note="I have a resource")) == (
        "Offered: “I have a resource” · a direct tie of the requester"
    )
