"""Administration → Single sign-on: the form, its errors, and the secret that is never shown back."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from askwell.people.models import Organization, Person
from askwell.sso import repository
from tests.conftest import World
from tests.web.conftest import post

FORM = {
    "issuer": "https://login.example.com/realms/acme",
    "client_id": "askwell",
    "client_secret": "page-secret-4d1b7c",
    "allowed_domains": "acme.example.com, Example.ORG",
    "enabled": "1",
}


def test_admin_configures_single_sign_on(
    signed_in: Callable[[Person], TestClient], db: Session, org: Organization, admin: Person
) -> None:
    client = signed_in(admin)
    page = client.get("/admin/sso")
    assert page.status_code == 200 and f"/auth/oidc/{org.slug}/callback" in page.text

    saved = post(client, "/admin/sso", FORM)
    assert saved.status_code == 303
    stored = repository.config(db, org_id=org.id)
    assert stored is not None
    assert (stored.client_secret, stored.allowed_domains, stored.sso_only) == (
        "page-secret-4d1b7c",
        ["acme.example.com", "example.org"],
        False,
    )
    again = client.get("/admin/sso")
    assert "page-secret-4d1b7c" not in again.text and "A secret is stored" in again.text

    kept = post(client, "/admin/sso", {**FORM, "client_secret": "", "sso_only": "1"})
    assert kept.status_code == 303
    db.expire_all()
    stored = repository.config(db, org_id=org.id)
    assert stored is not None and stored.client_secret == "page-secret-4d1b7c" and stored.sso_only is True

    assert post(client, "/admin/sso/delete").status_code == 303
    assert repository.config(db, org_id=org.id) is None


def test_bad_settings_are_shown_beside_the_field(
    signed_in: Callable[[Person], TestClient], admin: Person
) -> None:
    client = signed_in(admin)
    bad_domain = post(client, "/admin/sso", {**FORM, "allowed_domains": "not a domain"})
    assert bad_domain.status_code == 422 and "not a domain name" in bad_domain.text
    assert "page-secret-4d1b7c" not in bad_domain.text
    no_secret = post(client, "/admin/sso", {**FORM, "client_secret": ""})
    assert no_secret.status_code == 422
    bad_issuer = post(client, "/admin/sso", {**FORM, "issuer": "javascript:alert(1)"})
    assert bad_issuer.status_code == 422


def test_members_cannot_see_the_page(
    signed_in: Callable[[Person], TestClient], world: World, org: Organization
) -> None:
    assert signed_in(world.person(org, "Max")).get("/admin/sso").status_code == 403
