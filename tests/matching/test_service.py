"""Who can help with an ask: who is suggested, who never is, and the reasons given."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from askwell.asks.errors import AskNotFound
from askwell.asks.models import Visibility
from askwell.matching import repository, service
from askwell.matching.embeddings import MODEL_NAME, model_version
from askwell.matching.errors import SuggestionsNotYours
from askwell.matching.models import Embedding
from askwell.network import service as network_service
from askwell.people import service as people_service
from askwell.people.models import Person
from askwell.people.schemas import ProfileUpdate
from tests.conftest import World
from tests.matching.conftest import FakeEncoder, Helped, NewAsk

K8S = "Our Kubernetes ingress drops websocket connections after an upgrade"


def names(result: service.SuggestionsRead) -> list[str]:
    return [s.person.name for s in result.suggestions]


def suggest(db: Session, world: World, asker: Person, ask_id: int, encode: FakeEncoder, **kw: object):  # type: ignore[no-untyped-def]
    return service.suggest(db, actor=world.actor(asker), ask_id=ask_id, now=world.now, encode=encode, **kw)  # type: ignore[arg-type]


class TestWhoIsSuggested:
    def test_the_person_whose_skills_fit_comes_first_with_the_reason(
        self, db: Session, world: World, new_ask: NewAsk, fake_encode: FakeEncoder
    ) -> None:
        org = world.org()
        asker = world.person(org, "Asker")
        world.person(org, "Kim", skills=["Kubernetes", "Ingress"], title="Platform engineer")
        world.person(org, "Pat", skills=["Copywriting"], title="Writer")
        ask = new_ask(asker, K8S, tags=["Kubernetes"])

        result = suggest(db, world, asker, ask.id, fake_encode)

        assert names(result)[0] == "Kim"
        assert any("Kubernetes" in reason for reason in result.suggestions[0].reasons)
        assert result.hint is None

    def test_request_and_scheduling_words_find_nobody_and_reasons_are_curated(
        self, db: Session, world: World, new_ask: NewAsk, fake_encode: FakeEncoder
    ) -> None:
        """Filler shared by every ask ("need help", "a few minutes", "Thursday") once ranked anyone at all."""
        org = world.org()
        asker = world.person(org, "Asker")
        world.person(org, "Res", skills=["User research"], title="Researcher")
        filler = world.person(org, "Fil", skills=["Procurement"], title="Procurement Specialist")
        filler.can_help_with = "Happy to help with anything you need; a few minutes on Thursday works."
        db.commit()
        ask = new_ask(
            asker,
            "Need help with User research",
            body="Someone for a few minutes on Thursday?",
            tags=["User research"],
        )

        result = suggest(db, world, asker, ask.id, fake_encode)

        assert names(result) == ["Res"]
        assert result.suggestions[0].terms == ["User research"]
        assert "Knows about User research" in result.suggestions[0].reasons

    def test_never_the_asker_a_deactivated_or_opted_out_person_or_another_org(
        self, db: Session, world: World, new_ask: NewAsk, fake_encode: FakeEncoder
    ) -> None:
        org, other = world.org(), world.org("Other")
        asker = world.person(org, "Asker", skills=["Kubernetes"])
        gone = world.person(org, "Gone", skills=["Kubernetes"])
        shy = world.person(org, "Shy", skills=["Kubernetes"])
        world.person(other, "Foreign", skills=["Kubernetes"])
        world.person(org, "Kim", skills=["Kubernetes"])
        db.execute(update(Person).where(Person.id == gone.id).values(is_active=False))
        db.execute(update(Person).where(Person.id == shy.id).values(suggestible=False))
        db.commit()
        ask = new_ask(asker, K8S, tags=["Kubernetes"])

        assert names(suggest(db, world, asker, ask.id, fake_encode)) == ["Kim"]

    def test_a_team_ask_suggests_only_people_who_can_see_it(
        self, db: Session, world: World, new_ask: NewAsk, fake_encode: FakeEncoder
    ) -> None:
        org = world.org()
        team = world.team(org, "Platform")
        asker = world.person(org, "Asker", teams=["Platform"])
        world.person(org, "Inside", skills=["Kubernetes"], teams=["Platform"])
        world.person(org, "Outside", skills=["Kubernetes"])
        ask = new_ask(asker, K8S, visibility=Visibility.TEAM, team_id=team.id)

        assert names(suggest(db, world, asker, ask.id, fake_encode)) == ["Inside"]

    def test_a_private_ask_suggests_only_the_people_it_is_shared_with(
        self, db: Session, world: World, new_ask: NewAsk, fake_encode: FakeEncoder
    ) -> None:
        org = world.org()
        asker = world.person(org, "Asker")
        named = world.person(org, "Named", skills=["Kubernetes"])
        world.person(org, "Unnamed", skills=["Kubernetes"])
        ask = new_ask(asker, K8S, visibility=Visibility.PEOPLE, audience=[named.id])

        assert names(suggest(db, world, asker, ask.id, fake_encode)) == ["Named"]

    def test_someone_from_outside_the_askers_team_is_among_the_suggestions(
        self, db: Session, world: World, new_ask: NewAsk, fake_encode: FakeEncoder
    ) -> None:
        org = world.org()
        world.team(org, "Platform")
        world.team(org, "Data")
        asker = world.person(org, "Asker", teams=["Platform"])
        for i in range(6):
            world.person(org, f"Mate {i}", skills=["Kubernetes", "Ingress", "Websocket"], teams=["Platform"])
        world.person(org, "Dana", skills=["Kubernetes", "Ingress"], teams=["Data"])
        ask = new_ask(asker, K8S, tags=["Kubernetes"])

        result = suggest(db, world, asker, ask.id, fake_encode)

        assert "Dana" in names(result)
        dana = next(s for s in result.suggestions if s.person.name == "Dana")
        assert dana.reasons[0].startswith("From outside your team (Data)")


class TestHistoryAndReasons:
    def test_past_help_on_similar_asks_is_evidence_even_with_an_empty_profile(
        self, db: Session, world: World, new_ask: NewAsk, helped: Helped, fake_encode: FakeEncoder
    ) -> None:
        org = world.org()
        asker, other = world.person(org, "Asker"), world.person(org, "Other asker")
        quiet = world.person(org, "Quiet", title="")
        world.person(org, "Lee", title="Engineer")
        helped(
            quiet,
            other,
            "Kubernetes ingress timeouts on websocket upgrade",
            tags=["Kubernetes"],
            thanked=True,
        )
        helped(
            quiet, other, "Kubernetes ingress returns 502 for websocket", tags=["Kubernetes"], thanked=False
        )
        ask = new_ask(asker, K8S, tags=["Kubernetes"])

        result = suggest(db, world, asker, ask.id, fake_encode)

        assert names(result)[0] == "Quiet"
        assert "Helped with 2 asks about Kubernetes, thanked once" in result.suggestions[0].reasons

    def test_an_overloaded_generous_helper_is_capped_and_says_so(
        self, db: Session, world: World, new_ask: NewAsk, helped: Helped, fake_encode: FakeEncoder
    ) -> None:
        org = world.org()
        asker, other = world.person(org, "Asker"), world.person(org, "Other asker")
        busy = world.person(org, "Busy", skills=["Kubernetes", "Ingress", "Websocket"])
        free = world.person(org, "Free", skills=["Kubernetes", "Ingress", "Websocket"])
        for i in range(5):
            helped(busy, other, f"Unrelated spreadsheet chore {i}", done=False)
        ask = new_ask(asker, K8S, tags=["Kubernetes"])

        result = suggest(db, world, asker, ask.id, fake_encode)

        assert names(result)[:2] == ["Free", "Busy"]
        busy_reasons = result.suggestions[1].reasons
        assert busy_reasons[0] == "Already helping with 5 asks, so suggested sparingly"
        assert free.id != busy.id

    def test_someone_away_past_the_due_date_is_flagged_and_ranked_lower(
        self, db: Session, world: World, new_ask: NewAsk, fake_encode: FakeEncoder
    ) -> None:
        org = world.org()
        asker = world.person(org, "Asker")
        away = world.person(org, "Away", skills=["Kubernetes", "Ingress", "Websocket"])
        world.person(org, "Here", skills=["Kubernetes", "Ingress"])
        db.execute(update(Person).where(Person.id == away.id).values(away_until=date(2026, 4, 1)))
        db.commit()
        ask = new_ask(asker, K8S, tags=["Kubernetes"])

        result = suggest(db, world, asker, ask.id, fake_encode)

        assert names(result) == ["Here", "Away"]
        assert result.suggestions[1].reasons[0] == "Away until 1 Apr"

    def test_two_steps_away_names_the_teammate_who_can_introduce(
        self, db: Session, world: World, new_ask: NewAsk, fake_encode: FakeEncoder
    ) -> None:
        org = world.org()
        world.team(org, "Platform")
        asker = world.person(org, "Asker", teams=["Platform"])
        sam = world.person(org, "Sam", teams=["Platform"], skills=["Budgets"])
        kim = world.person(org, "Kim", skills=["Kubernetes", "Ingress"])
        events = [
            network_service.Interaction(a.id, b.id, world.now - timedelta(days=d), "help_given")
            for a, b in ((asker, sam), (sam, kim))
            for d in range(3)
        ]
        network_service.record_interactions(db, org_id=org.id, events=events, now=world.now)
        db.commit()
        ask = new_ask(asker, K8S, tags=["Kubernetes"])

        result = suggest(db, world, asker, ask.id, fake_encode)

        first = result.suggestions[0]
        assert (first.person.name, first.tie) == ("Kim", "two_step")
        assert first.connector is not None and first.connector.name == "Sam"
        assert "Two steps away: your teammate Sam can introduce you" in first.reasons


class TestBadInput:
    def test_an_ask_with_almost_no_text_still_gets_suggestions_from_its_tags_and_a_hint(
        self, db: Session, world: World, new_ask: NewAsk, fake_encode: FakeEncoder
    ) -> None:
        org = world.org()
        asker = world.person(org, "Asker")
        world.person(org, "Kim", skills=["Kubernetes"])
        world.person(org, "Pat", skills=["Copywriting"])
        ask = new_ask(asker, "Help", tags=["Kubernetes"])

        result = suggest(db, world, asker, ask.id, fake_encode)

        assert names(result)[0] == "Kim"
        assert result.hint == service.THIN_HINT

    def test_nobody_else_in_the_organization_gives_an_empty_list_and_a_hint(
        self, db: Session, world: World, new_ask: NewAsk, fake_encode: FakeEncoder
    ) -> None:
        org = world.org()
        asker = world.person(org, "Asker")
        ask = new_ask(asker, K8S)

        result = suggest(db, world, asker, ask.id, fake_encode)

        assert (result.suggestions, result.hint) == ([], service.NOBODY_HINT)

    def test_unknown_and_foreign_asks_are_not_found(
        self, db: Session, world: World, new_ask: NewAsk, fake_encode: FakeEncoder
    ) -> None:
        org, other = world.org(), world.org("Other")
        asker, stranger = world.person(org, "Asker"), world.person(other, "Stranger")
        ask = new_ask(asker, K8S)

        with pytest.raises(AskNotFound):
            suggest(db, world, stranger, ask.id, fake_encode)
        with pytest.raises(AskNotFound):
            suggest(db, world, asker, ask.id + 10_000, fake_encode)

    def test_only_the_asker_sees_suggestions(
        self, db: Session, world: World, new_ask: NewAsk, fake_encode: FakeEncoder
    ) -> None:
        org = world.org()
        asker, colleague = world.person(org, "Asker"), world.person(org, "Colleague")
        ask = new_ask(asker, K8S)

        with pytest.raises(SuggestionsNotYours):
            suggest(db, world, colleague, ask.id, fake_encode)


class TestStoredEmbeddings:
    def test_vectors_carry_the_model_and_are_recomputed_only_when_the_text_changes(
        self, db: Session, world: World, fake_encode: FakeEncoder
    ) -> None:
        org = world.org()
        kim = world.person(org, "Kim", skills=["Kubernetes"])
        refresh = lambda: service.refresh_people(db, org_id=org.id, now=world.now, encode=fake_encode)  # noqa: E731

        assert refresh() == 1
        row = db.scalar(
            select(Embedding).where(Embedding.owner_kind == "person", Embedding.owner_id == kim.id)
        )
        assert row is not None and (row.model, row.model_version, row.dim) == (
            MODEL_NAME,
            model_version(),
            384,
        )
        assert refresh() == 0

        later = world.now + timedelta(minutes=5)
        people_service.update_profile(
            db,
            actor=world.actor(kim),
            person_id=kim.id,
            data=ProfileUpdate(name="Kim", skills=["Kubernetes"], can_help_with="Helm charts"),
            now=later,
        )
        db.commit()
        assert repository.people_needing_embedding(db, org_id=org.id, limit=10) == [kim.id]
        assert service.refresh_people(db, org_id=org.id, now=later, encode=fake_encode) == 1
        assert "Helm charts" in fake_encode.embedded[-1]


class TestQueries:
    def test_the_number_of_queries_does_not_grow_with_the_candidates(
        self,
        db: Session,
        world: World,
        new_ask: NewAsk,
        helped: Helped,
        fake_encode: FakeEncoder,
        count_queries,
    ) -> None:  # type: ignore[no-untyped-def]
        def queries_for(people: int) -> int:
            org = world.org()
            asker, other = world.person(org, "Asker"), world.person(org, "Other")
            for i in range(people):
                kim = world.person(org, f"Kim {i}", skills=["Kubernetes", "Ingress"])
                helped(kim, other, f"Kubernetes ingress question {i}", tags=["Kubernetes"])
            ask = new_ask(asker, K8S, tags=["Kubernetes"])
            suggest(db, world, asker, ask.id, fake_encode)  # embeds everything once
            db.commit()
            counter = count_queries()
            result = suggest(db, world, asker, ask.id, fake_encode)
            assert len(result.suggestions) == min(people, 5)
            return counter.count

        assert queries_for(2) == queries_for(8) <= 30


class TestIndexFreshness:
    def test_a_profile_edited_after_the_index_was_built_is_found_on_the_next_request(
        self, db: Session, world: World, new_ask: NewAsk, fake_encode: FakeEncoder
    ) -> None:
        org = world.org()
        asker = world.person(org, "Asker")
        world.person(org, "Kim", skills=["Kubernetes"])
        pat = world.person(org, "Pat", skills=["Copywriting"])
        ask = new_ask(asker, K8S, tags=["Kubernetes"])
        assert names(suggest(db, world, asker, ask.id, fake_encode)) == ["Kim"]

        later = world.now + timedelta(minutes=10)
        profile = ProfileUpdate(name="Pat", skills=["Kubernetes", "Ingress", "Websocket"])
        people_service.update_profile(db, actor=world.actor(pat), person_id=pat.id, data=profile, now=later)
        db.commit()
        # As the worker would, in another process: the app's cached index notices the new vector.
        service.refresh_people(db, org_id=org.id, now=later, encode=fake_encode)
        db.commit()

        assert "Pat" in names(suggest(db, world, asker, ask.id, fake_encode))
