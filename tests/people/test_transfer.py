"""Export and import of a whole organization: a faithful round trip, and nothing written on bad input."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest
from pydantic import TypeAdapter
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from askwell.accounts.secrets import hash_password, verify_password
from askwell.core.errors import InvalidInput
from askwell.people import service as people_service
from askwell.people.errors import SlugTaken
from askwell.people.models import Organization, Person, Role
from askwell.people.repository import accounts_for_sign_in, organization_by_slug
from askwell.people.transfer import SECTIONS, Section, export_org, import_org
from tests.conftest import NOW, PASSWORD, World, system_actor


@pytest.fixture(scope="module")
def password_hash() -> str:
    """Argon2 is slow on purpose: hash once for the module."""
    return hash_password(PASSWORD)


@pytest.fixture
def source(db: Session, world: World, password_hash: str) -> Organization:
    org = world.org("Source")
    world.team(org, "Data")
    world.team(org, "Platform")
    admin = world.person(
        org, "Ada Admin", role=Role.ADMIN, skills=["SQL", "Python"], teams=["Data"], lead_of=["Data"]
    )
    admin.password_hash = password_hash
    world.person(org, "Bo Both", skills=["Go"], teams=["Data", "Platform"])
    quiet = world.person(org, "Cy Quiet")
    quiet.away_until = date(2026, 4, 1)
    quiet.suggestible = False
    people_service.set_active(db, actor=system_actor(org), person_id=quiet.id, active=False, now=NOW)
    db.commit()
    return org


def count_orgs(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Organization)) or 0


class TestRoundTrip:
    def test_export_import_export_gives_the_same_document(self, db: Session, source: Organization) -> None:
        first = export_org(db, org_id=source.id)
        copy_ = import_org(db, document=json.loads(json.dumps(first)), now=NOW, slug="copy", name="Copy")
        second = export_org(db, org_id=copy_.id)
        assert second["organization"] == {**first["organization"], "slug": "copy", "name": "Copy"}
        assert {k: v for k, v in second.items() if k != "organization"} == {
            k: v for k, v in first.items() if k != "organization"
        }

    def test_the_document_carries_profiles_memberships_and_flags(
        self, db: Session, source: Organization
    ) -> None:
        doc = export_org(db, org_id=source.id)
        assert (doc["format"], doc["version"]) == ("askwell.organization", 1)
        assert [t["slug"] for t in doc["teams"]] == ["data", "platform"]
        by_name = {p["name"]: p for p in doc["people"]}
        assert by_name["Ada Admin"]["skills"] == ["SQL", "Python"]
        assert by_name["Ada Admin"]["teams"] == [{"team": "data", "is_lead": True}]
        assert by_name["Ada Admin"]["role"] == "admin"
        assert by_name["Bo Both"]["teams"] == [
            {"team": "data", "is_lead": False},
            {"team": "platform", "is_lead": False},
        ]
        assert (by_name["Cy Quiet"]["is_active"], by_name["Cy Quiet"]["suggestible"]) == (False, False)
        assert by_name["Cy Quiet"]["away_until"] == "2026-04-01"
        assert not any("id" in p for p in doc["people"])

    def test_imported_accounts_can_still_sign_in(self, db: Session, source: Organization) -> None:
        doc = export_org(db, org_id=source.id)
        copy_ = import_org(db, document=doc, now=NOW, slug="copy")
        admin = next(p for p in accounts_for_sign_in(db, doc["people"][0]["email"]) if p.org_id == copy_.id)
        assert verify_password(admin.password_hash, PASSWORD)

    def test_export_holds_no_other_organization(
        self, db: Session, world: World, source: Organization
    ) -> None:
        other = world.org("Other")
        world.person(other, "Stranger")
        emails = {p["email"] for p in export_org(db, org_id=source.id)["people"]}
        assert not any(e.startswith("stranger") for e in emails)


class TestImportRefusals:
    def test_existing_slug_is_refused_and_nothing_written(self, db: Session, source: Organization) -> None:
        doc = export_org(db, org_id=source.id)
        before = count_orgs(db)
        with pytest.raises(SlugTaken):
            import_org(db, document=doc, now=NOW)
        assert count_orgs(db) == before

    def test_invalid_new_slug(self, db: Session, source: Organization) -> None:
        with pytest.raises(InvalidInput, match="slug"):
            import_org(db, document=export_org(db, org_id=source.id), now=NOW, slug="Not A Slug")

    @staticmethod
    def _broken(doc: dict[str, Any], how: str) -> Any:
        doc = copy.deepcopy(doc)
        if how == "not an object":
            return [doc]
        if how == "wrong version":
            doc["version"] = 99
        elif how == "unknown section":
            doc["secrets"] = []
        elif how == "bad timezone":
            doc["people"][0]["timezone"] = "Mars/Olympus"
        elif how == "unknown team":
            doc["people"][0]["teams"] = [{"team": "ghosts", "is_lead": False}]
        elif how == "duplicate email":
            doc["people"][1]["email"] = doc["people"][0]["email"]
        elif how == "naive timestamp":
            doc["people"][0]["created_at"] = "2026-01-01T00:00:00"
        elif how == "unexpected field":
            doc["people"][0]["id"] = 7
        return doc

    @pytest.mark.parametrize(
        "how",
        [
            "not an object",
            "wrong version",
            "unknown section",
            "bad timezone",
            "unknown team",
            "duplicate email",
            "naive timestamp",
            "unexpected field",
        ],
    )
    def test_malformed_document_is_refused_with_a_clear_error(
        self, db: Session, source: Organization, how: str
    ) -> None:
        doc = self._broken(export_org(db, org_id=source.id), how)
        before = db.scalar(select(func.count()).select_from(Person))
        with pytest.raises(InvalidInput) as raised:
            import_org(db, document=doc, now=NOW, slug="copy")
        assert raised.value.message
        assert db.scalar(select(Organization.id).where(Organization.slug == "copy")) is None
        assert db.scalar(select(func.count()).select_from(Person)) == before

    def test_a_minimal_document_creates_an_empty_organization(self, db: Session) -> None:
        org = import_org(
            db,
            document={
                "format": "askwell.organization",
                "version": 1,
                "organization": {"slug": "tiny", "name": "Tiny", "created_at": "2026-01-01T00:00:00+00:00"},
            },
            now=NOW,
        )
        assert organization_by_slug(db, "tiny").id == org.id
        assert export_org(db, org_id=org.id)["people"] == []


def test_a_domain_adds_its_section_and_finds_the_new_ids(db: Session, source: Organization) -> None:
    loaded: dict[str, object] = {}
    notes = Section(
        "notes",
        TypeAdapter(list[str]),
        export=lambda _db, _org_id: ["remember the milk"],
        load=lambda _db, ctx, payload: loaded.update(payload=payload, people=dict(ctx.ids["people"])),
    )
    sections = [*SECTIONS, notes]
    doc = export_org(db, org_id=source.id, sections=sections)
    assert doc["notes"] == ["remember the milk"]
    copy_ = import_org(db, document=doc, now=NOW, slug="copy", sections=sections)
    assert loaded["payload"] == ["remember the milk"]
    new_ids = {p.email: p.id for p in db.scalars(select(Person).where(Person.org_id == copy_.id))}
    assert loaded["people"] == new_ids


def test_imported_people_are_found_in_the_directory(db: Session, source: Organization) -> None:
    from askwell.people.repository import search_people

    copy_org = import_org(db, document=export_org(db, org_id=source.id), now=NOW, slug="copy-dir")
    found, total = search_people(db, actor=system_actor(copy_org), query="sql")
    assert total == 1
    assert [p.name for p in found] == ["Ada Admin"]
