"""Which open asks a person could help with: the pure ranking, without a database."""

from askwell.asks.helpable import rank
from askwell.asks.models import Ask, AskTag


def ask(
    ask_id: int, title: str, *, tags: tuple[str, ...] = (), team_id: int | None = None, author: int = 9
) -> Ask:
    return Ask(
        id=ask_id,
        title=title,
        team_id=team_id,
        author_id=author,
        tags=[AskTag(name=t, key=t.casefold()) for t in tags],
    )


NONE: frozenset[int] = frozenset()


def test_reasons_come_from_my_skills_tags_and_team_only() -> None:
    asks = [
        ask(1, "Upgrade the cluster", tags=("Kubernetes",)),
        ask(2, "A slow SQL report"),
        ask(3, "Pick an offsite venue", team_id=7),
        ask(4, "Choose a brochure font"),
    ]
    ranked = rank(
        asks, skills=["Kubernetes", "SQL"], teams=frozenset({7}), teammates=NONE, asked_directly=NONE
    )
    assert [(h.ask.id, h.reasons) for h in ranked] == [
        (1, ("needs Kubernetes",)),
        (2, ("needs SQL",)),
        (3, ("from your team",)),
    ]


def test_asked_directly_outranks_skills_and_several_skills_outrank_one() -> None:
    asks = [ask(1, "SQL help"), ask(2, "SQL and Python help"), ask(3, "Anything", author=5)]
    ranked = rank(
        asks, skills=["SQL", "Python"], teams=NONE, teammates=frozenset({5}), asked_directly=frozenset({3})
    )
    assert [h.ask.id for h in ranked] == [3, 2, 1]
    assert ranked[0].reasons == ("shared with you", "from your team")


def test_skills_match_whole_words_and_short_skills_only_as_tags() -> None:
    asks = [ask(1, "JavaScript bundling"), ask(2, "Go routines leak"), ask(3, "Leak", tags=("go",))]
    ranked = rank(asks, skills=["Java", "Go"], teams=NONE, teammates=NONE, asked_directly=NONE)
    assert [h.ask.id for h in ranked] == [3]


def test_at_most_the_limit_and_three_skills_named() -> None:
    asks = [ask(i, "a b c d", tags=("a", "b", "c", "d")) for i in range(1, 9)]
    ranked = rank(asks, skills=["a", "b", "c", "d"], teams=NONE, teammates=NONE, asked_directly=NONE, limit=5)
    assert len(ranked) == 5
    assert ranked[0].reasons == ("needs a, b, c and more",)
