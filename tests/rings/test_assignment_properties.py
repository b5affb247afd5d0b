"""Property tests: every proposal honours every constraint and never covers fewer requests than greedy."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from askwell.rings.assignment import (
    Assignment,
    AssignmentRules,
    Candidate,
    RequestSlot,
    propose,
    propose_greedy,
)

PEOPLE = st.integers(min_value=1, max_value=8)


@st.composite
def instances(draw: st.DrawFn) -> tuple[list[RequestSlot], list[Candidate], AssignmentRules]:
    n = draw(st.integers(min_value=0, max_value=8))
    requests = [RequestSlot(request_id=i, requester_id=draw(PEOPLE)) for i in range(n)]
    candidates = draw(
        st.lists(
            st.builds(
                Candidate,
                request_id=st.integers(min_value=0, max_value=n),  # n itself: a request not in the ring
                helper_id=PEOPLE,
                fit=st.floats(min_value=-0.5, max_value=1.5) | st.just(float("nan")),
                offered=st.booleans(),
                reach=st.sampled_from([0.0, 0.5, 1.0]),
                offer_note=st.sampled_from([None, "I can help", "I know someone"]),
            ),
            max_size=30,
        )
    )
    rules = AssignmentRules(
        capacity=draw(st.integers(min_value=-1, max_value=3)),
        max_helpers_per_request=draw(st.integers(min_value=0, max_value=3)),
        capacities=draw(st.dictionaries(PEOPLE, st.integers(min_value=0, max_value=2), max_size=3)),
        declined=frozenset(draw(st.lists(st.tuples(st.integers(0, n), PEOPLE), max_size=5))),
    )
    return requests, candidates, rules


def _check(
    result: Assignment, requests: list[RequestSlot], candidates: list[Candidate], rules: AssignmentRules
) -> None:
    owner = {r.request_id: r.requester_id for r in requests}
    offered = {(c.request_id, c.helper_id) for c in candidates if c.offered}
    possible = {(c.request_id, c.helper_id) for c in candidates}
    pairs = [(p.request_id, p.helper_id) for p in result.pairings]
    assert len(pairs) == len(set(pairs))
    for p in result.pairings:
        assert p.request_id in owner and (p.request_id, p.helper_id) in possible
        assert p.helper_id != owner[p.request_id]
        assert (p.request_id, p.helper_id) not in rules.declined
        assert (p.source == "offer") == ((p.request_id, p.helper_id) in offered)
        assert p.explanation
    load = Counter(p.helper_id for p in result.pairings)
    for helper, n in load.items():
        assert n <= rules.capacities.get(helper, rules.capacity)
    assert all(
        n <= rules.max_helpers_per_request for n in Counter(p.request_id for p in result.pairings).values()
    )
    covered = {p.request_id for p in result.pairings}
    assert set(result.unfilled) == set(owner) - covered
    valid = rules.max_helpers_per_request >= 1 and min([rules.capacity, *rules.capacities.values()]) >= 0
    if not valid:
        assert result.pairings == () and result.message and "nothing was proposed" in result.message
    else:
        assert (result.message is None) == (not result.unfilled)


@settings(max_examples=300, deadline=None)
@given(instances())
def test_propose_respects_every_constraint_and_beats_greedy(
    instance: tuple[list[RequestSlot], list[Candidate], AssignmentRules],
) -> None:
    requests, candidates, rules = instance
    best = propose(requests, candidates, rules)
    greedy = propose_greedy(requests, candidates, rules)
    _check(best, requests, candidates, rules)
    _check(greedy, requests, candidates, rules)
    covered = len({p.request_id for p in best.pairings})
    assert covered >= len({p.request_id for p in greedy.pairings})
    assert best.objective <= greedy.objective
    # Tiers are lexicographic: with as many requests covered, the optimum keeps at least as many offers.
    offers = sum(p.source == "offer" for p in best.pairings)
    if covered == len({p.request_id for p in greedy.pairings}):
        assert offers >= sum(p.source == "offer" for p in greedy.pairings)
