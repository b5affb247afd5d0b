"""What "who can help" returns to the pages, the API and the CLI."""

from __future__ import annotations

from pydantic import BaseModel


class PersonBrief(BaseModel):
    id: int
    name: str
    title: str = ""


class SuggestionRead(BaseModel):
    person: PersonBrief
    score: float
    # Up to three, in words: warnings (away, busy) first, then the strongest reasons.
    reasons: list[str]
    team: str | None = None
    # "direct" | "two_step" | "dormant" | "none"; null when the asker has no ties recorded yet.
    tie: str | None = None
    connector: PersonBrief | None = None
    # The person's own curated terms found in the ask (skills, "I can help with", tags, titles), as written.
    terms: list[str] = []


class SuggestionsRead(BaseModel):
    ask_id: int
    suggestions: list[SuggestionRead]
    # Set when the ask says too little for good suggestions, or nobody fits: what to add.
    hint: str | None = None
