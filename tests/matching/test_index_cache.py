"""The in-memory indexes are cached per database and organization, never per organization alone."""

from __future__ import annotations

from pathlib import Path

from askwell import wiring
from askwell.core.edges import Edges
from askwell.core.uow import unit_of_work
from askwell.matching import index
from askwell.people import service as people_service
from askwell.people.schemas import OrganizationCreate, PersonCreate
from tests.conftest import NOW, create_test_database


def test_two_databases_with_the_same_organization_id_never_share_an_index(tmp_path: Path) -> None:
    databases = [create_test_database(tmp_path) for _ in range(2)]
    try:
        texts = []
        for database, skill in zip(databases, ("Kafka", "Figma"), strict=True):
            factory = wiring.session_factory(database.engine, Edges())
            with unit_of_work(factory) as db:
                org = people_service.create_organization(
                    db, data=OrganizationCreate(name="Acme", slug="acme"), now=NOW
                )
                people_service.add_person(
                    db,
                    org_id=org.id,
                    data=PersonCreate(name=f"{skill} Person", email="p@example.com", skills=[skill]),
                    now=NOW,
                )
            with factory() as db:
                # Same organization id, no vectors yet in either: the same fingerprint, other people.
                texts.append(" ".join(index.people_index(db, org_id=org.id, now=NOW).texts.values()))
        assert "Kafka" in texts[0] and "Figma" not in texts[0]
        assert "Figma" in texts[1] and "Kafka" not in texts[1]
    finally:
        index.forget()
        for database in databases:
            database.drop()
