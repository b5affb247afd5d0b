"""Use cases of matching: keep stored embeddings current, and suggest who can help with an ask.

The sentence model is an edge: every use case takes an ``encode`` callable (texts → unit float32 rows),
the real model in production and a small deterministic fake in most tests. Services flush, never commit.
"""

from __future__ import annotations

import hashlib
import math
import statistics
import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from typing import cast

import numpy as np
from sqlalchemy.orm import Session

from askwell.asks import repository as asks_repo
from askwell.asks.models import Ask, OfferStatus, Visibility
from askwell.asks.rules import AskAccess, can_view
from askwell.core.edges import Edges
from askwell.core.edges import Encode as EdgeEncode
from askwell.matching import index, ranker, repository
from askwell.matching.embeddings import encode as encode_with_model
from askwell.matching.embeddings import model_status as embedding_model_status
from askwell.matching.embeddings import model_version
from askwell.matching.errors import SuggestionsNotYours
from askwell.matching.fusion import reciprocal_rank_fusion
from askwell.matching.profiles import ProfileSource, ask_text, expertise_text, is_thin, text_hash
from askwell.matching.ranker import LearnedScorer, RankingContext
from askwell.matching.schemas import PersonBrief, SuggestionRead, SuggestionsRead
from askwell.matching.scoring import (
    DIVERSITY_WINDOW,
    LOAD_WINDOW,
    TOPICAL_PREFIXES,
    CandidateFeatures,
    Tie,
    rank,
)
from askwell.network import index as network_index
from askwell.network import phrases
from askwell.people.policy import Actor

Encode = EdgeEncode

RETRIEVE = 100  # candidates each retrieval path hands to fusion
POOL = 40  # fused candidates the ranker scores (plus everyone with evidence on similar asks)
NEIGHBOURS = 20  # past helped asks consulted for the evidence of past help
MIN_SIMILAR = 0.35  # cosine below which a past ask is not "similar" (MiniLM: unrelated topics sit ~0.1)
EVIDENCE_DAYS = 365.0
THANKED_EVIDENCE = 1.5
DIRECT_MIN = 0.05  # current tie strength from which two people "know each other"
# Fit: cosine is mapped so that unrelated texts (~0.1) give 0 and close paraphrases (~0.6+) give 1.
COSINE_FLOOR, COSINE_SPAN = 0.1, 0.5
DENSE_SHARE = 0.6
MIN_FIT = 0.05
ON_THE_FLY = 64  # stale profiles refreshed inside a request; more than this waits for the job
BATCH = 256  # texts embedded per job run and organization
THIN_HINT = "Say a little more (what you need, and a tag or two) so that the right people can be found."
NOBODY_HINT = "Nobody in your organization matches this yet. Adding tags or detail may help."


def encoder(edges: Edges) -> Encode:
    """The encoder the composition root passed in the edges, else the packaged model (loaded on first use)."""
    return edges.encode if edges.encode is not None else _model_encode


def model_status(edges: Edges) -> str:
    """For readiness: "injected" (a stand-in encoder), "loaded", "available" (verified on first use) or
    "missing: ..."; cheap, since it only looks for the packaged file unless the model is loaded."""
    if edges.encode is not None:
        return "injected"
    return embedding_model_status()


def _model_encode(texts: Sequence[str]) -> np.ndarray:
    return encode_with_model(texts, batch_size=64)


# --- keeping embeddings current ------------------------------------------------------------------------
#
# Embedding is split in three steps so that a caller can keep the (slow) encoding outside any write
# transaction: ``stale_ids`` and ``texts_to_embed`` read, ``encode`` runs, ``store_vectors`` writes.
# ``store_vectors`` reads the texts again and keeps only vectors whose text is still current, so a
# profile edited while its old text was being encoded never gets the old vector stamped as new.


def stale_ids(db: Session, *, org_id: int, owner_kind: str, limit: int) -> list[int]:
    """Profiles (``repository.PERSON``) or asks (``repository.ASK``) whose vector may be out of date."""
    if owner_kind == repository.PERSON:
        return repository.people_needing_embedding(db, org_id=org_id, limit=limit)
    return repository.asks_needing_embedding(db, org_id=org_id, limit=limit)


def current_texts(
    db: Session, *, org_id: int, owner_kind: str, ids: Iterable[int], now: datetime
) -> dict[int, str]:
    """The text each owner would be embedded from now: a person's expertise, or an ask's own words."""
    if owner_kind == repository.PERSON:
        sources = repository.profile_sources(db, org_id=org_id, person_ids=ids)
        return {src.person_id: expertise_text(src, now=now) for src in sources}
    return {ask.id: _ask_text(ask) for ask in repository.asks_for_embedding(db, org_id=org_id, ask_ids=ids)}


def texts_to_embed(db: Session, *, org_id: int, owner_kind: str, texts: Mapping[int, str]) -> dict[int, str]:
    """Of ``texts``, those whose stored vector is missing or was made from another text (or model)."""
    stored = {
        row.owner_id: row.text_hash
        for row in repository.embeddings(db, org_id=org_id, owner_kind=owner_kind, owner_ids=list(texts))
    }
    return {
        oid: text
        for oid, text in texts.items()
        if stored.get(oid) != text_hash(text, model_version=model_version())
    }


def store_vectors(
    db: Session,
    *,
    org_id: int,
    owner_kind: str,
    texts: Mapping[int, str],
    vectors: Mapping[int, np.ndarray],
    now: datetime,
) -> int:
    """Store the vectors encoded from ``texts`` and mark the other checked owners current; returns how
    many vectors were written. An owner whose text changed since it was read is left stale for the
    next run; one that another worker already stored with the same text is not written twice."""
    current = current_texts(db, org_id=org_id, owner_kind=owner_kind, ids=list(texts), now=now)
    stored = {
        row.owner_id: row
        for row in repository.embeddings(db, org_id=org_id, owner_kind=owner_kind, owner_ids=list(texts))
    }
    written = 0
    for oid, text in texts.items():
        if current.get(oid) != text:
            continue
        digest = text_hash(text, model_version=model_version())
        row = stored.get(oid)
        if row is not None and row.text_hash == digest:
            # Checked and unchanged: mark it current so that the stale scan does not return it again.
            if row.updated_at < now:
                row.updated_at = now
            continue
        if oid in vectors:
            repository.save_embedding(
                db,
                org_id=org_id,
                owner_kind=owner_kind,
                owner_id=oid,
                text_hash=digest,
                vector=vectors[oid],
                now=now,
                existing=row,
            )
            written += 1
    db.flush()
    return written


def refresh_people(
    db: Session,
    *,
    org_id: int,
    now: datetime,
    encode: Encode,
    person_ids: Iterable[int] | None = None,
    limit: int = BATCH,
) -> int:
    """Embed the profiles whose text changed (or that have no vector); returns how many were written."""
    ids = (
        list(person_ids)
        if person_ids is not None
        else stale_ids(db, org_id=org_id, owner_kind=repository.PERSON, limit=limit)
    )
    return _refresh(db, org_id=org_id, owner_kind=repository.PERSON, ids=ids, now=now, encode=encode)


def _ask_text(ask: Ask) -> str:
    return ask_text(
        title=ask.title, body=ask.body, what=ask.what, why=ask.why, action=ask.action, tags=ask.tag_names
    )


def refresh_asks(
    db: Session,
    *,
    org_id: int,
    now: datetime,
    encode: Encode,
    ask_ids: Iterable[int] | None = None,
    limit: int = BATCH,
) -> int:
    ids = (
        list(ask_ids)
        if ask_ids is not None
        else stale_ids(db, org_id=org_id, owner_kind=repository.ASK, limit=limit)
    )
    return _refresh(db, org_id=org_id, owner_kind=repository.ASK, ids=ids, now=now, encode=encode)


def _refresh(
    db: Session, *, org_id: int, owner_kind: str, ids: list[int], now: datetime, encode: Encode
) -> int:
    """Read, encode and store in the caller's one transaction (requests, the CLI, tests)."""
    if not ids:
        return 0
    texts = current_texts(db, org_id=org_id, owner_kind=owner_kind, ids=ids, now=now)
    changed = texts_to_embed(db, org_id=org_id, owner_kind=owner_kind, texts=texts)
    vectors = encode_texts(changed, encode=encode)
    return store_vectors(db, org_id=org_id, owner_kind=owner_kind, texts=texts, vectors=vectors, now=now)


def encode_texts(texts: Mapping[int, str], *, encode: Encode) -> dict[int, np.ndarray]:
    """Vectors by owner id; no database work, so a caller may run it with no transaction open."""
    if not texts:
        return {}
    rows = encode(list(texts.values()))
    return dict(zip(texts, rows, strict=True))


#: Vectors of ask texts embedded inside a request, by (encoder, text hash), most recent last. Until the
#: embedding job has stored an ask's vector, and always on GET (which never writes), each view of the
#: suggestions would encode the same text again: the model is most of that page's CPU.
RECENT_VECTORS = 512
_recent: OrderedDict[tuple[Encode, str], np.ndarray] = OrderedDict()
_recent_lock = threading.Lock()


def _encode_one(encode: Encode, text: str, digest: str) -> np.ndarray:
    key = (encode, digest)
    with _recent_lock:
        if (hit := _recent.get(key)) is not None:
            _recent.move_to_end(key)
            return hit
    vector: np.ndarray = np.asarray(encode([text]), dtype=np.float32)[0]
    vector.setflags(write=False)  # shared between requests: nobody may change it in place
    with _recent_lock:
        _recent[key] = vector
        while len(_recent) > RECENT_VECTORS:
            _recent.popitem(last=False)
    return vector


def ask_vector(
    db: Session, *, ask: Ask, text: str, now: datetime, encode: Encode, persist: bool = True
) -> np.ndarray:
    """The stored vector when its text hash is current; else embedded now (and stored when ``persist``).

    A text embedded now is kept in memory (``RECENT_VECTORS``), so the next view does not encode it again.
    """
    digest = text_hash(text, model_version=model_version())
    rows = repository.embeddings(db, org_id=ask.org_id, owner_kind=repository.ASK, owner_ids=[ask.id])
    if rows and rows[0].text_hash == digest:
        stored: np.ndarray = repository.vector_of(rows[0])
        return stored
    vector = _encode_one(encode, text, digest)
    if not persist:
        return vector
    repository.save_embedding(
        db,
        org_id=ask.org_id,
        owner_kind=repository.ASK,
        owner_id=ask.id,
        text_hash=digest,
        vector=vector,
        now=now,
        existing=rows[0] if rows else None,
    )
    db.flush()
    return vector


# --- suggestions ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Evidence:
    strength: float
    helps: int
    thanks: int
    topic: str | None


def _audience(ask: Ask) -> tuple[frozenset[int], frozenset[int]]:
    helpers = frozenset(o.helper_id for o in ask.offers if o.status != OfferStatus.WITHDRAWN.value)
    return frozenset(a.person_id for a in ask.audience), helpers


def _universe(db: Session, ask: Ask) -> set[int] | None:
    """Everyone who could see the ask when that is a small set (team or private asks); None: the org."""
    audience, helpers = _audience(ask)
    if ask.visibility == Visibility.ORG.value:
        return None
    people = set(audience | helpers)
    if ask.visibility == Visibility.TEAM.value and ask.team_id is not None:
        people.update(repository.team_member_ids(db, org_id=ask.org_id, team_id=ask.team_id))
    return people


def _retrieve(
    db: Session,
    people: index.PeopleIndex,
    *,
    ask: Ask,
    text: str,
    vector: np.ndarray,
    universe: set[int] | None,
) -> tuple[dict[int, float], dict[int, float]]:
    """Dense cosine and BM25 score per candidate, from the org index or, for a small audience, exactly."""
    if universe is None:
        with people.lock:
            found = dict(people.vectors.search(vector, RETRIEVE))
        matched = dict(people.lexical.search(text, RETRIEVE))
        return {int(cast(int, k)): v for k, v in found.items()}, {
            int(cast(int, k)): v for k, v in matched.items()
        }
    rows = repository.embeddings(db, org_id=ask.org_id, owner_kind=repository.PERSON, owner_ids=universe)
    dense = {row.owner_id: float(repository.vector_of(row) @ vector) for row in rows}
    scores = people.lexical.scores(text)
    lexical = {
        int(pid): float(scores[i])
        for i, pid in enumerate(people.lexical.ids)
        if pid in universe and scores[i] > 0
    }
    return dense, lexical


def _evidence(db: Session, *, ask: Ask, vector: np.ndarray) -> dict[int, _Evidence]:
    """Who helped with past asks most like this one, weighted by similarity, thanks and age."""
    helped = index.helped_asks(db, org_id=ask.org_id)
    return _evidence_from(helped, ask_id=ask.id, asked_at=ask.created_at, tags=ask.tag_names, vector=vector)


def _evidence_from(
    helped: index.HelpedAsks,
    *,
    ask_id: int,
    asked_at: datetime,
    tags: Sequence[str],
    vector: np.ndarray,
    before: datetime | None = None,
) -> dict[int, _Evidence]:
    """``_evidence`` over loaded past asks; ``before`` keeps only help given earlier (training examples
    see only their own past)."""
    if not helped.ask_ids:
        return {}
    similarity = helped.vectors @ vector
    order = np.argsort(-similarity, kind="stable")
    strength: dict[int, float] = defaultdict(float)
    helps: Counter[int] = Counter()
    thanks: Counter[int] = Counter()
    topics: dict[int, Counter[str]] = defaultdict(Counter)
    wanted = {t.casefold(): t for t in tags}
    consulted = 0
    for position in order:
        past = helped.ask_ids[position]
        sim = float(similarity[position])
        if consulted > NEIGHBOURS or sim < MIN_SIMILAR:
            break
        earlier = [h for h in helped.helpers[position] if before is None or h[2] < before]
        if past == ask_id or not earlier:
            continue
        consulted += 1
        for helper, thanked, when in earlier:
            age = max((asked_at - when).total_seconds(), 0.0) / 86400
            strength[helper] += sim * (THANKED_EVIDENCE if thanked else 1.0) * math.exp(-age / EVIDENCE_DAYS)
            helps[helper] += 1
            thanks[helper] += int(thanked)
            for tag in helped.tags.get(past, ()):
                # The asker's own tag spelling when it matches, so the reason speaks their words.
                topics[helper][wanted.get(tag.casefold(), tag)] += 2 if tag.casefold() in wanted else 1
    return {
        pid: _Evidence(
            value, helps[pid], thanks[pid], topics[pid].most_common(1)[0][0] if topics[pid] else None
        )
        for pid, value in strength.items()
    }


def curated_phrases(source: ProfileSource | None) -> list[str]:
    """A person's curated terms, strongest first: skills, "I can help with" phrases, then past help."""
    if source is None:
        return []
    helped = sorted(source.helps, key=lambda h: (not h.thanked, h.ask_title))
    return [
        *source.skills,
        *phrases.help_phrases(source.can_help_with),
        *(tag for h in helped for tag in h.ask_tags),
        *(h.ask_title for h in helped),
    ]


def _matched_terms(need: phrases.Need, source: ProfileSource | None) -> tuple[str, ...]:
    """Curated terms of the person found in the ask, as written (never stems, stop words or numbers).

    A helped ask's title is left out when a shorter term in it is already shown ("IFRS" covers
    "Pair with me on IFRS this week"): the reason names the topic, the evidence line the history.
    """
    found: list[str] = []
    for term in phrases.matches(need, curated_phrases(source)):
        if not any(phrases.contains(term, shown) for shown in found):
            found.append(term)
    return tuple(found[:3])


@dataclass(frozen=True)
class _History:
    total_helps: int
    helped_at: tuple[datetime, ...]
    thanked_share: float | None
    response_rate: float | None
    median_reply: timedelta | None
    recent_helps: int
    open_commitments: int


def _histories(db: Session, *, org_id: int, people: list[int], now: datetime) -> dict[int, _History]:
    offers: dict[int, list[repository.OfferRow]] = defaultdict(list)
    for row in repository.offers_of(db, org_id=org_id, person_ids=people):
        offers[row.helper_id].append(row)
    asked = repository.asked_directly(db, org_id=org_id, person_ids=people)
    return {pid: _history(offers.get(pid, []), asked.get(pid, set()), now=now) for pid in people}


def _history(mine: Sequence[repository.OfferRow], chances: set[int], *, now: datetime) -> _History:
    """One person's record as of ``now``: offers made later are not known yet (training examples)."""
    mine = [o for o in mine if o.created_at <= now]
    done = [
        o
        for o in mine
        if o.status == OfferStatus.DONE.value and o.helped_at is not None and o.helped_at <= now
    ]
    replies = [o.created_at - o.asked_at for o in mine if o.created_at >= o.asked_at]
    answered = {o.ask_id for o in mine} & chances
    return _History(
        total_helps=len(done),
        helped_at=tuple(o.helped_at for o in done if o.helped_at is not None),
        thanked_share=sum(o.thanked for o in done) / len(done) if done else None,
        response_rate=len(answered) / len(chances) if chances else None,
        # timedeltas sort and halve; typeshed's median admits numbers only
        median_reply=statistics.median(replies) if replies else None,  # type: ignore[type-var]  # timedeltas sort and halve; typeshed's median admits numbers only
        recent_helps=sum(1 for o in done if o.helped_at is not None and now - o.helped_at <= LOAD_WINDOW),
        open_commitments=sum(1 for o in mine if o.status == OfferStatus.ACCEPTED.value),
    )


@dataclass(frozen=True)
class _Reach:
    tie: Tie | None
    connector: int | None = None


def _reach(db: Session, *, org_id: int, asker: int, people: list[int], now: datetime) -> dict[int, _Reach]:
    """Direct tie, two steps through a connector, a dormant tie, or no path; None when the asker has no ties."""
    graph = network_index.org_graph(db, org_id=org_id)
    me = graph.index.get(asker)
    if me is None:
        return {}
    current = graph.current(now)
    dormant = {graph.person(d.person) for d in graph.past.dormant(me, now.timestamp())}
    out: dict[int, _Reach] = {}
    others: list[int] = []
    for pid in people:
        position = graph.index.get(pid)
        if pid in dormant:
            out[pid] = _Reach(Tie.DORMANT)
        elif position is not None and current.strength(me, position) >= DIRECT_MIN:
            out[pid] = _Reach(Tie.DIRECT)
        elif position is not None:
            others.append(position)
        else:
            out[pid] = _Reach(Tie.NONE)
    if others:
        paths = current.connectors(me, np.array(others, dtype=np.int64), k=len(others) * 4)
        best: dict[int, int] = {}
        for path in paths:
            best.setdefault(graph.person(path.target), graph.person(path.connector))
        for position in others:
            pid = graph.person(position)
            out[pid] = _Reach(Tie.TWO_STEP, best[pid]) if pid in best else _Reach(Tie.NONE)
    return out


def _scale(values: dict[int, float]) -> dict[int, float]:
    top = max(values.values(), default=0.0)
    return {k: v / top for k, v in values.items()} if top > 0 else {}


def _away(day: object) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=UTC) if day is not None else None  # type: ignore[arg-type]  # the prior's trained_on is JSON metadata (object values)


BUSY_WINDOW = timedelta(days=365)  # the busiest helpers: those who helped most in the last year
MIN_EXAMPLES = 20  # helped asks from which an organization's own ranker is trained; fewer: the prior
MAX_EXAMPLES = 500  # the most recent helped asks a training run looks at


@dataclass(frozen=True)
class _Learned:
    model: ranker.RankerModel
    org_helps: int
    busy: frozenset[int]


def ranker_model(db: Session, *, org_id: int) -> ranker.RankerModel:
    """The organization's own ranker when the job has trained one from the packaged prior in use, else
    that prior (a stored model of another prior or format is ignored until the next training run)."""
    prior = ranker.load_prior()
    row = repository.ranker_record(db, org_id=org_id)
    if row is None or row.prior_version != prior.version:
        return prior
    try:
        return ranker.RankerModel.from_json(row.body)
    except ranker.RankerFileError:
        return prior


def _learned(db: Session, *, org_id: int, now: datetime) -> _Learned:
    recent = repository.help_counts(db, org_id=org_id, since=now - BUSY_WINDOW)
    people = repository.active_people_count(db, org_id=org_id)
    busy = ranker.busiest(recent, people=people) if people else frozenset()
    return _Learned(
        ranker_model(db, org_id=org_id),
        sum(repository.help_counts(db, org_id=org_id).values()),
        busy,
    )


def suggest(
    db: Session,
    *,
    actor: Actor,
    ask_id: int,
    now: datetime,
    encode: Encode,
    limit: int = DIVERSITY_WINDOW,
    persist: bool = True,
) -> SuggestionsRead:
    """The few people most able and likely to help with the actor's ask, each with reasons in words.

    Never the asker, a deactivated or opted-out person, someone who cannot see the ask, or anyone
    outside the ask's organization (the index is per organization and every query is scoped to it).
    With ``persist`` off (a GET: reads never write) a new ask is embedded in memory only and stale
    profiles keep their last vector until the ``matching.embed`` job catches up.
    """
    ask = asks_repo.get_ask(db, actor=actor, ask_id=ask_id)
    if ask.author_id != actor.person_id:
        raise SuggestionsNotYours()
    org_id = ask.org_id
    text = _ask_text(ask)
    if persist:
        stale = repository.people_needing_embedding(db, org_id=org_id, limit=ON_THE_FLY + 1)
        if 0 < len(stale) <= ON_THE_FLY:
            refresh_people(db, org_id=org_id, now=now, encode=encode, person_ids=stale)
        stale_asks = repository.asks_needing_embedding(db, org_id=org_id, limit=ON_THE_FLY + 1)
        if 0 < len(stale_asks) <= ON_THE_FLY:
            refresh_asks(db, org_id=org_id, now=now, encode=encode, ask_ids=stale_asks)
    vector = ask_vector(db, ask=ask, text=text, now=now, encode=encode, persist=persist)
    people = index.people_index(db, org_id=org_id, now=now)
    universe = _universe(db, ask)
    dense, lexical = _retrieve(db, people, ask=ask, text=text, vector=vector, universe=universe)
    evidence = _evidence(db, ask=ask, vector=vector)

    fused = reciprocal_rank_fusion(
        [sorted(lexical, key=lambda k: -lexical[k]), sorted(dense, key=lambda k: -dense[k])]
    )
    pool = [pid for pid, _ in fused if pid != ask.author_id][:POOL]
    pool += [pid for pid in evidence if pid not in set(pool) and pid != ask.author_id]
    rows = repository.candidate_rows(db, org_id=org_id, person_ids=pool)
    audience, helpers = _audience(ask)
    access = AskAccess(ask.author_id, ask.status, ask.visibility, ask.team_id, audience, helpers)
    pool = [
        pid
        for pid in pool
        if pid in rows
        and rows[pid].is_active
        and rows[pid].suggestible
        and can_view(access, viewer_id=pid, viewer_teams=frozenset(rows[pid].teams))
    ]
    hint = THIN_HINT if is_thin(text) else None
    if not pool:
        return SuggestionsRead(ask_id=ask.id, suggestions=[], hint=hint or NOBODY_HINT)

    learned = _learned(db, org_id=org_id, now=now)
    sources = {s.person_id: s for s in repository.profile_sources(db, org_id=org_id, person_ids=pool)}
    histories = _histories(db, org_id=org_id, people=pool, now=now)
    reach = _reach(db, org_id=org_id, asker=ask.author_id, people=pool, now=now)
    lexical_scaled = _scale({pid: lexical.get(pid, 0.0) for pid in pool})
    need = phrases.Need.of(text=text, tags=ask.tag_names)
    my_teams = actor.teams
    asker_team = "your team" if my_teams else None
    connector_ids = {r.connector for r in reach.values() if r.connector is not None}
    connectors = (
        repository.candidate_rows(db, org_id=org_id, person_ids=connector_ids) if connector_ids else {}
    )

    candidates: list[CandidateFeatures] = []
    terms: dict[int, tuple[str, ...]] = {}
    for pid in pool:
        row, history = rows[pid], histories[pid]
        dense_part = min(max((dense.get(pid, 0.0) - COSINE_FLOOR) / COSINE_SPAN, 0.0), 1.0)
        fit = DENSE_SHARE * dense_part + (1 - DENSE_SHARE) * lexical_scaled.get(pid, 0.0)
        source = sources.get(pid)
        found = evidence.get(pid)
        if fit < MIN_FIT and found is None:
            continue  # nothing says they could help: a suggestion without a reason is noise
        reached = reach.get(pid, _Reach(None))
        connector = connectors.get(reached.connector) if reached.connector is not None else None
        connector_name = None
        if connector is not None:
            teammate = bool(set(connector.teams) & my_teams)
            connector_name = f"your teammate {connector.name}" if teammate else connector.name
        shares_team = bool(set(row.teams) & my_teams)
        terms[pid] = _matched_terms(need, source)
        candidates.append(
            CandidateFeatures(
                person_id=pid,
                fit=fit,
                lexical_fit=lexical.get(pid, 0.0),
                dense_fit=dense.get(pid, 0.0),
                busy=pid in learned.busy,
                matched_terms=terms[pid],
                topic=found.topic if found else None,
                similar_helps=found.helps if found else 0,
                similar_thanks=found.thanks if found else 0,
                evidence=found.strength if found else 0.0,
                total_helps=history.total_helps,
                helped_at=history.helped_at,
                response_rate=history.response_rate,
                median_reply=history.median_reply,
                thanked_share=history.thanked_share,
                recent_helps=history.recent_helps,
                open_commitments=history.open_commitments,
                away_until=_away(row.away_until),
                team="your team" if shares_team else (next(iter(row.teams.values()), None)),
                tie=reached.tie,
                connector=connector_name,
            )
        )
    if not candidates:
        return SuggestionsRead(ask_id=ask.id, suggestions=[], hint=hint or NOBODY_HINT)
    shown = max(1, min(limit, 20))
    ranked = rank(
        candidates,
        now=now,
        due=ask.due_at,
        asker_team=asker_team,
        limit=20,
        scorer=LearnedScorer(learned.model, RankingContext(history_end=now, org_helps=learned.org_helps)),
    )
    # People who can be said to know something about this ask come first, in the ranker's order: the
    # prior learned from public Q&A sites leans on recent activity, and a colleague who is merely active
    # is no answer to "who can help with this?". The others follow, still in order.
    ranked = sorted(ranked, key=lambda s: not any(r.startswith(TOPICAL_PREFIXES) for r in s.reasons))[:shown]
    suggestions = []
    for suggestion in ranked:
        pid = int(cast(int, suggestion.person_id))
        reached = reach.get(pid, _Reach(None))
        connector = connectors.get(reached.connector) if reached.connector is not None else None
        row = rows[pid]
        suggestions.append(
            SuggestionRead(
                person=PersonBrief(id=pid, name=row.name, title=row.title),
                score=suggestion.score,
                reasons=list(suggestion.reasons),
                team=next(iter(row.teams.values()), None),
                tie=reached.tie.value if reached.tie is not None else None,
                connector=PersonBrief(id=connector.id, name=connector.name, title=connector.title)
                if connector
                else None,
                terms=list(terms[pid]),
            )
        )
    return SuggestionsRead(ask_id=ask.id, suggestions=suggestions, hint=hint)


#: How far down the ranking the ask's introductions look: the visible suggestions and those just after.
INTRO_DEPTH = 20


def introductions(
    db: Session, *, actor: Actor, ask_id: int, now: datetime, encode: Encode, limit: int = 5
) -> list[SuggestionRead]:
    """People two steps away who could help with the ask, each with the one connector to ask.

    The same ranking as ``suggest`` (never a second opinion): every two-step suggestion in the "Who can
    help" panel is here with the same connector, so the panel and the introductions below it agree.
    """
    ranked = suggest(db, actor=actor, ask_id=ask_id, now=now, encode=encode, limit=INTRO_DEPTH, persist=False)
    routes = [s for s in ranked.suggestions if s.tie == Tie.TWO_STEP.value and s.connector is not None]
    return routes[: max(1, limit)]


# --- training an organization's own ranker ---------------------------------------------------------------


def training_examples(db: Session, *, org_id: int, now: datetime) -> list[ranker.Query]:
    """Each past helped ask (newest ``MAX_EXAMPLES``) as a labelled example: the people retrieval finds
    for it, described as they were when it was asked, and which of them helped.

    History (helps, evidence, activity, load) is cut at the ask's time. Known approximation: profiles
    are today's, so a helper's text fit can include words of the very ask they helped with.
    """
    helped = index.helped_asks(db, org_id=org_id)
    if len(helped.ask_ids) < MIN_EXAMPLES:
        return []
    people = index.people_index(db, org_id=org_id, now=now)
    asks = {a.id: a for a in repository.asks_for_embedding(db, org_id=org_id, ask_ids=helped.ask_ids)}
    everyone = sorted(people.texts)
    offers: dict[int, list[repository.OfferRow]] = defaultdict(list)
    for row in repository.offers_of(db, org_id=org_id, person_ids=everyone):
        offers[row.helper_id].append(row)
    asked = repository.asked_directly(db, org_id=org_id, person_ids=everyone)
    done_at = sorted(
        (o.helped_at, o.helper_id)
        for rows in offers.values()
        for o in rows
        if o.status == OfferStatus.DONE.value and o.helped_at is not None
    )
    positions = sorted(
        (p for p in range(len(helped.ask_ids)) if helped.ask_ids[p] in asks),
        key=lambda p: (asks[helped.ask_ids[p]].created_at, helped.ask_ids[p]),
    )[-MAX_EXAMPLES:]
    examples: list[ranker.Query] = []
    for position in positions:
        ask = asks[helped.ask_ids[position]]
        when = ask.created_at
        vector = helped.vectors[position]
        text = _ask_text(ask)
        with people.lock:
            dense = {cast(int, k): v for k, v in people.vectors.search(vector, RETRIEVE)}
        lexical = {cast(int, k): v for k, v in people.lexical.search(text, RETRIEVE)}
        evidence = _evidence_from(
            helped, ask_id=ask.id, asked_at=when, tags=ask.tag_names, vector=vector, before=when
        )
        fused = reciprocal_rank_fusion(
            [sorted(lexical, key=lambda k: -lexical[k]), sorted(dense, key=lambda k: -dense[k])]
        )
        pool = [pid for pid, _ in fused if pid != ask.author_id][:POOL]
        pool += [pid for pid in evidence if pid not in set(pool) and pid != ask.author_id]
        earlier = [(at, pid) for at, pid in done_at if at < when]
        recent: Counter[int] = Counter(pid for at, pid in earlier if at >= when - BUSY_WINDOW)
        busy = ranker.busiest(recent, people=len(everyone))
        candidates = []
        for pid in pool:
            history = _history(offers.get(pid, []), asked.get(pid, set()), now=when)
            found = evidence.get(pid)
            candidates.append(
                CandidateFeatures(
                    person_id=pid,
                    lexical_fit=lexical.get(pid, 0.0),
                    dense_fit=dense.get(pid, 0.0),
                    similar_helps=found.helps if found else 0,
                    similar_thanks=found.thanks if found else 0,
                    evidence=found.strength if found else 0.0,
                    total_helps=history.total_helps,
                    helped_at=history.helped_at,
                    response_rate=history.response_rate,
                    median_reply=history.median_reply,
                    thanked_share=history.thanked_share,
                    recent_helps=history.recent_helps,
                    open_commitments=history.open_commitments,
                    busy=pid in busy,
                )
            )
        helpers = {helper for helper, _thanked, _when in helped.helpers[position]}
        context = RankingContext(history_end=when, org_helps=len(earlier))
        rows = ranker.features(candidates, now=when, context=context)
        examples.append(
            ranker.Query(rows, np.array([c.person_id in helpers for c in candidates], dtype=bool))
        )
    return examples


def train_ranker(db: Session, *, org_id: int, now: datetime) -> ranker.RankerModel | None:
    """Adapt the packaged prior to the organization's own history and store it; with too little history
    (under ``MIN_EXAMPLES`` usable asks) drop any stored model so that the prior ranks. Flushes."""
    prior = ranker.load_prior()
    examples = [q for q in training_examples(db, org_id=org_id, now=now) if q.usable]
    if len(examples) < MIN_EXAMPLES:
        repository.delete_ranker_record(db, org_id=org_id)
        db.flush()
        return None
    found = prior.trained_on
    settings = ranker.FitSettings(
        c=float(found.get("c", 1.0)),  # type: ignore[arg-type]  # the prior's trained_on is JSON metadata (object values)
        lam=float(found.get("lam", 10.0)),  # type: ignore[arg-type]  # the prior's trained_on is JSON metadata (object values)
    )
    model = ranker.adapt(prior, examples, settings=settings, version="pending")
    digest = hashlib.sha256(model.to_json().encode()).hexdigest()[:10]
    model = replace(model, version=f"org-{org_id}-{digest}")
    repository.save_ranker_record(
        db,
        org_id=org_id,
        version=model.version,
        prior_version=prior.version,
        examples=len(examples),
        body=model.to_json(),
        now=now,
    )
    db.flush()
    return model


# --- who can help with a few words (no ask) --------------------------------------------------------------


def text_fit(
    db: Session, *, org_id: int, text: str, now: datetime, encode: Encode | None
) -> dict[int, float]:
    """Expertise fit (0..1) of the organization's people for free text, such as a huddle's one-line topic.

    The first stage of ``suggest`` without an ask: BM25 over profiles blended with the dense cosine
    (when an encoder is given and profiles are embedded), in the same proportions. People with no fit
    are absent. Who may be asked (active, opted in) is the caller's business.
    """
    people = index.people_index(db, org_id=org_id, now=now)
    lexical = {int(cast(int, k)): v for k, v in people.lexical.search(text, RETRIEVE) if v > 0}
    dense: dict[int, float] = {}
    if encode is not None and len(people.vectors):
        vector = encode([text])[0]
        with people.lock:
            dense = {int(cast(int, k)): float(v) for k, v in people.vectors.search(vector, RETRIEVE)}
    scaled = _scale(lexical)
    fit: dict[int, float] = {}
    for pid in set(lexical) | set(dense):
        dense_part = min(max((dense.get(pid, 0.0) - COSINE_FLOOR) / COSINE_SPAN, 0.0), 1.0)
        value = DENSE_SHARE * dense_part + (1 - DENSE_SHARE) * scaled.get(pid, 0.0)
        if value >= MIN_FIT:
            fit[pid] = value
    return fit
