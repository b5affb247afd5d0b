"""The admin page's Erase button: POST /admin/people/{id}/erase, offered for deactivated people."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from askwell.accounts import service as accounts
from askwell.people.models import Person
from askwell.people.privacy import FORMER_MEMBER
from tests.conftest import World, system_actor
from tests.privacy.conftest import Scene
from tests.web.conftest import post

SignIn = Callable[[Person], TestClient]


def _deactivate(db: Session, scene: Scene, world: World, person: Person) -> None:
    accounts.set_active(db, actor=system_actor(scene.org), person_id=person.id, active=False, now=world.now)
    db.commit()


class TestErasePage:
    def test_button_for_deactivated_people_only(
        self, db: Session, scene: Scene, world: World, signed_in: SignIn
    ) -> None:
        client = signed_in(scene.admin)
        assert f"/admin/people/{scene.alice.id}/erase" not in client.get("/admin").text
        _deactivate(db, scene, world, scene.alice)
        page = client.get("/admin").text
        assert f'action="/admin/people/{scene.alice.id}/erase"' in page
        assert 'data-confirm="Erase ' in page

    def test_admin_erases(self, db: Session, scene: Scene, world: World, signed_in: SignIn) -> None:
        _deactivate(db, scene, world, scene.alice)
        client = signed_in(scene.admin)
        r = post(client, f"/admin/people/{scene.alice.id}/erase", {})
        assert r.status_code == 303
        page = client.get(r.headers["location"]).text
        assert "former member" in page
        assert f"/admin/people/{scene.alice.id}/erase" not in page  # erased: no button again
        db.expire_all()
        alice = db.get(Person, scene.alice.id)
        assert alice is not None and alice.name == FORMER_MEMBER

    def test_member_refused(self, db: Session, scene: Scene, world: World, signed_in: SignIn) -> None:
        r = post(signed_in(scene.bob), f"/admin/people/{scene.alice.id}/erase", {})
        assert r.status_code == 403
        db.expire_all()
        assert db.get(Person, scene.alice.id).name != FORMER_MEMBER  # type: ignore[union-attr]

    def test_self_and_other_org(self, scene: Scene, signed_in: SignIn) -> None:
        client = signed_in(scene.admin)
        assert post(client, f"/admin/people/{scene.admin.id}/erase", {}).status_code == 403
        assert post(client, f"/admin/people/{scene.other_alice.id}/erase", {}).status_code == 404

    def test_anonymous(self, db: Session, client: TestClient, scene: Scene) -> None:
        client.get("/signin")
        r = post(client, f"/admin/people/{scene.alice.id}/erase", {}, follow_redirects=False)
        assert (r.status_code, r.headers["location"].startswith("/signin")) == (303, True)
        db.expire_all()
        assert db.get(Person, scene.alice.id).name != FORMER_MEMBER  # type: ignore[union-attr]
