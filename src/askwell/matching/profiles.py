"""Expertise profiles: the text that stands for what a person knows, from what they say and what they did.

Pure: plain data and ``now`` in, a string and its hash out. The same text feeds BM25 and the sentence
model, so both retrieval paths see one picture of a person.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

# Helps listed in the profile, best first; the model reads about 256 word pieces, so older or
# unthanked helps beyond these would be cut anyway, and BM25 would let a long history drown the skills.
MAX_HELPS = 12
HELP_HALF_LIFE_DAYS = 365.0  # expertise fades more slowly than availability
THANKED_WEIGHT = 1.5  # a thanked help says more about real ability than an offer alone
# Below this many words an ask or profile says too little for the words alone to find people.
THIN_WORDS = 4


@dataclass(frozen=True)
class HelpRecord:
    """One ask the person helped fulfil (an offer done, or accepted and under way)."""

    ask_title: str
    ask_tags: tuple[str, ...] = ()
    helped_at: datetime | None = None
    thanked: bool = False


@dataclass(frozen=True)
class ProfileSource:
    """Everything a profile is made of; ``extra`` takes later sources (stand-up updates, ring offers)."""

    person_id: int
    title: str = ""
    skills: tuple[str, ...] = ()
    can_help_with: str = ""
    helps: tuple[HelpRecord, ...] = ()
    extra: tuple[str, ...] = field(default=())


def help_weight(record: HelpRecord, *, now: datetime) -> float:
    age_days = 0.0 if record.helped_at is None else max((now - record.helped_at).total_seconds(), 0) / 86400
    return (THANKED_WEIGHT if record.thanked else 1.0) * math.exp(-age_days / HELP_HALF_LIFE_DAYS)


def expertise_text(source: ProfileSource, *, now: datetime) -> str:
    """What they say first (skills, "I can help with", title), then the asks they helped with.

    Helps are ordered by weight (thanks and recency) and capped, so a thanked recent help sits inside
    the model's window while a years-old unthanked one drops out. Empty parts leave no punctuation.
    """
    parts: list[str] = []
    if source.skills:
        parts.append(", ".join(source.skills))
    if source.can_help_with.strip():
        parts.append(source.can_help_with.strip())
    if source.title.strip():
        parts.append(source.title.strip())
    ranked = sorted(source.helps, key=lambda record: -help_weight(record, now=now))[:MAX_HELPS]
    for record in ranked:
        tags = f" ({', '.join(record.ask_tags)})" if record.ask_tags else ""
        parts.append(f"Helped with: {record.ask_title.strip()}{tags}")
    parts.extend(text.strip() for text in source.extra if text.strip())
    return ". ".join(parts)


def ask_text(
    *, title: str, body: str = "", what: str = "", why: str = "", action: str = "", tags: Sequence[str] = ()
) -> str:
    """The words of an ask that say what help is needed; tags go near the front as the strongest cue."""
    pieces = [title.strip(), ", ".join(tags), what.strip(), body.strip(), action.strip(), why.strip()]
    return ". ".join(piece for piece in pieces if piece)


def text_hash(text: str, *, model_version: str) -> str:
    """Changes when the text or the model changes, so a stored vector is recomputed exactly then."""
    return hashlib.sha256(f"{model_version}\n{text}".encode()).hexdigest()


def is_thin(text: str) -> bool:
    return len(text.split()) < THIN_WORDS
