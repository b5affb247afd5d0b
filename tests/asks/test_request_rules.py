"""The request rules are an ordered table of named rules: each can be pointed at, and order decides."""

from __future__ import annotations

import pytest

from askwell.asks.coaching.requests import REQUEST_RULES, _request

#: For every rule, a sentence it is the first to read as a request, and the verb it finds.
EXAMPLES: dict[str, tuple[str, str | None]] = {
    "need_someone": ("I need someone to check the numbers.", "check"),
    "need_someone_on": ("We need someone on the Stripe integration.", "work"),
    "need_a_hand": ("I need a hand moving the boxes.", "move"),
    "modal": ("Could you review my deck?", "review"),
    "if_someone": ("If someone could send the logs, great.", "send"),
    "free_to": ("Anyone free to pair on this tomorrow?", "pair"),
    "causative": ("Please get the docs team to update the wiki.", "update"),
    "please": ("Please send the contract.", "send"),
    "conditional_imperative": ("If anyone has the old logo, send it my way.", "send"),
    "would_love": ("Would love a second pair of eyes on the plan.", "review"),
    "imperative": ("Send me the deck by Friday.", "send"),
    "need_done": ("I need the tests written.", "write"),
    "weak": ("Any help appreciated.", "help"),
    "question": ("Where is the rota?", None),
}


def test_the_table_names_each_rule_once_and_every_rule_has_an_example() -> None:
    names = [name for name, _rule in REQUEST_RULES]
    assert len(names) == len(set(names))
    assert set(names) == set(EXAMPLES)


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_each_rule_reads_its_example(name: str) -> None:
    sentence, verb = EXAMPLES[name]
    found = _request(sentence, 0)
    assert found is not None
    assert (found.rule, found.verb) == (name, verb)


@pytest.mark.parametrize(
    "sentence", ["I finished the report.", "Happy to help with Terraform.", "I can review it tomorrow."]
)
def test_statements_and_offers_are_no_requests(sentence: str) -> None:
    assert _request(sentence, 0) is None
