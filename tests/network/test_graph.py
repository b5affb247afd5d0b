from datetime import UTC, datetime, timedelta

import networkx as nx
import numpy as np
import pytest

from askwell.network.graph import TieGraph
from askwell.network.rules import ConnectorLeg, is_dormant, path_score, two_step_score

N_PEOPLE = 40


@pytest.fixture(scope="module")
def reference() -> nx.Graph:
    """A small random weighted graph with last-interaction times, as the brute-force reference."""
    rng = np.random.default_rng(7)
    graph = nx.gnp_random_graph(N_PEOPLE, 0.2, seed=7)
    for a, b in graph.edges:
        graph.edges[a, b]["weight"] = float(rng.uniform(0.05, 1.0))
        graph.edges[a, b]["last"] = float(rng.uniform(0, 1000))
    return graph


@pytest.fixture(scope="module")
def ties(reference: nx.Graph) -> TieGraph:
    edges = list(reference.edges(data=True))
    return TieGraph.from_edges(
        [a for a, _, _ in edges],
        [b for _, b, _ in edges],
        [d["weight"] for _, _, d in edges],
        [d["last"] for _, _, d in edges],
        n_people=N_PEOPLE,
    )


def reach(reference: nx.Graph, person: int) -> float:
    return sum(d["weight"] for _, _, d in reference.edges(person, data=True))


def brute_legs(reference: nx.Graph, asker: int, target: int) -> list[tuple[int, ConnectorLeg]]:
    if asker == target:
        return []
    return [
        (c, ConnectorLeg(reference[asker][c]["weight"], reference[c][target]["weight"], reach(reference, c)))
        for c in nx.common_neighbors(reference, asker, target)
    ]


class TestBuild:
    def test_ties_are_symmetric_and_counted_once(self, reference: nx.Graph, ties: TieGraph) -> None:
        assert ties.n_ties == reference.number_of_edges()
        assert ties.strength(3, 5) == ties.strength(5, 3)

    def test_neighbours_match_the_reference(self, reference: nx.Graph, ties: TieGraph) -> None:
        for person in reference.nodes:
            cols, weights = ties.neighbours(person)
            expected = sorted(reference[person])
            assert cols.tolist() == expected
            assert weights.tolist() == pytest.approx([reference[person][c]["weight"] for c in expected])

    def test_duplicate_ties_keep_strongest_weight_and_latest_time(self) -> None:
        graph = TieGraph.from_edges([0, 1, 0], [1, 0, 1], [0.2, 0.7, 0.4], [5.0, 1.0, 9.0])
        assert graph.n_ties == 1
        assert graph.strength(0, 1) == 0.7
        assert graph.last_ts.tolist() == [9.0, 9.0]

    def test_self_ties_are_dropped(self) -> None:
        graph = TieGraph.from_edges([2, 0], [2, 1], [1.0, 0.5], [0.0, 0.0])
        assert graph.n_ties == 1
        assert graph.n_people == 3
        assert graph.neighbours(2)[0].size == 0

    def test_people_count_smaller_than_indices_is_refused(self) -> None:
        with pytest.raises(ValueError):
            TieGraph.from_edges([0], [5], [1.0], [0.0], n_people=3)

    def test_decay_halves_weights_after_one_half_life(self) -> None:
        graph = TieGraph.from_edges([0], [1], [0.8], [10.0]).at(now=40.0, half_life=30.0)
        assert graph.strength(0, 1) == pytest.approx(0.4)


class TestConnectors:
    def test_two_step_matches_the_rule_over_brute_force_paths(
        self, reference: nx.Graph, ties: TieGraph
    ) -> None:
        targets = list(range(N_PEOPLE))
        fit = np.linspace(0.1, 1.0, N_PEOPLE)
        for asker in (0, 7, 19):
            got = ties.two_step(asker, targets, target_fit=fit)
            expected = [
                two_step_score([leg for _, leg in brute_legs(reference, asker, t)], target_fit=fit[t])
                for t in targets
            ]
            assert got == pytest.approx(expected)

    def test_best_paths_match_brute_force_ranking(self, reference: nx.Graph, ties: TieGraph) -> None:
        targets = [1, 4, 9, 16, 25, 36]
        fit = np.array([1.0, 0.5, 0.9, 0.3, 0.8, 0.6])
        expected = sorted(
            (
                (path_score(leg) * fit[i], c, t)
                for i, t in enumerate(targets)
                for c, leg in brute_legs(reference, 2, t)
            ),
            reverse=True,
        )[:5]
        paths = ties.connectors(2, targets, k=5, target_fit=fit)
        assert [(p.connector, p.target) for p in paths] == [(c, t) for _, c, t in expected]
        assert [p.score for p in paths] == pytest.approx([s for s, _, _ in expected])

    def test_no_path_to_self_or_to_strangers(self) -> None:
        graph = TieGraph.from_edges([0, 1], [1, 2], [0.9, 0.9], [0.0, 0.0], n_people=4)
        assert graph.two_step(0, [0, 3]).tolist() == [0.0, 0.0]
        assert graph.connectors(0, [0, 3], k=3) == []

    def test_batch_pair_scores_equal_single_queries(self, ties: TieGraph) -> None:
        rng = np.random.default_rng(1)
        src, dst = rng.integers(0, N_PEOPLE, 200), rng.integers(0, N_PEOPLE, 200)
        expected = [ties.two_step(int(s), [int(d)])[0] for s, d in zip(src, dst, strict=True)]
        assert ties.pair_scores(src, dst) == pytest.approx(expected)


class TestDormant:
    def test_dormant_list_matches_the_rule(self, reference: nx.Graph, ties: TieGraph) -> None:
        now, threshold, min_strength = 1000.0, 400.0, 0.3
        for person in (0, 11, 30):
            got = ties.dormant(person, now, threshold, min_strength)
            expected = {
                c
                for c in reference[person]
                if now - reference[person][c]["last"] >= threshold
                and reference[person][c]["weight"] >= min_strength
            }
            assert {tie.person for tie in got} == expected
            assert [tie.past_strength for tie in got] == sorted(
                (tie.past_strength for tie in got), reverse=True
            )

    def test_graph_and_rule_agree_on_days(self) -> None:
        now = datetime(2026, 1, 1, tzinfo=UTC)
        last = now - timedelta(days=400)
        graph = TieGraph.from_edges([0], [1], [0.5], [last.timestamp()])
        assert bool(graph.dormant(0, now.timestamp())) == is_dormant(
            last_interaction=last, past_strength=0.5, now=now
        )
