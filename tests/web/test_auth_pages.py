from datetime import timedelta

from fastapi.testclient import TestClient

from tests.conftest import PASSWORD, World
from tests.web.conftest import csrf_refused


class TestSignIn:
    def test_valid_password_opens_a_session_and_redirects(self, client: TestClient, world: World) -> None:
        org = world.org()
        person = world.person(org, "Ada Lovelace", password=PASSWORD)
        client.get("/signin")
        token = client.cookies.get("askwell_csrf")
        r = client.post(
            "/signin",
            data={
                "email": person.email.upper(),
                "password": PASSWORD,
                "csrf_token": token,
                "next": "/people",
            },
        )
        assert r.status_code == 303
        assert r.headers["location"] == "/people"
        assert "askwell_session" in r.headers["set-cookie"]
        assert "HttpOnly" in r.headers["set-cookie"]

    def test_the_session_cookie_expires_with_the_session(self, client: TestClient, world: World) -> None:
        person = world.person(world.org(), password=PASSWORD)
        client.get("/signin")
        token = client.cookies.get("askwell_csrf")
        r = client.post("/signin", data={"email": person.email, "password": PASSWORD, "csrf_token": token})
        [raw] = [c for c in r.headers.get_list("set-cookie") if c.startswith("askwell_session=")]
        attributes = dict(part.strip().lower().split("=", 1) for part in raw.split(";")[1:] if "=" in part)
        # The session lives 14 days from sign-in; the cookie once said it expired in 2083.
        assert int(attributes["max-age"]) == int(timedelta(days=14).total_seconds())
        assert "expires" not in attributes

    def test_wrong_password_says_so_without_revealing_the_account(
        self, client: TestClient, world: World
    ) -> None:
        org = world.org()
        person = world.person(org, password=PASSWORD)
        client.get("/signin")
        token = client.cookies.get("askwell_csrf")
        wrong = client.post(
            "/signin", data={"email": person.email, "password": "nope nope nope", "csrf_token": token}
        )
        unknown = client.post(
            "/signin", data={"email": "ghost@example.com", "password": "x", "csrf_token": token}
        )
        assert wrong.status_code == unknown.status_code == 401
        assert "do not match an account" in wrong.text
        assert "do not match an account" in unknown.text

    def test_without_csrf_token_the_form_is_refused(self, client: TestClient, world: World) -> None:
        person = world.person(world.org(), password=PASSWORD)
        r = client.post("/signin", data={"email": person.email, "password": PASSWORD})
        # Refused without signing in: back to the sign-in form (which sets a fresh token), not a 403 page.
        assert csrf_refused(r)
        assert "askwell_session" not in r.headers.get("set-cookie", "")

    def test_repeated_failures_are_rate_limited(self, client: TestClient, world: World) -> None:
        person = world.person(world.org(), password=PASSWORD)
        client.get("/signin")
        token = client.cookies.get("askwell_csrf")
        for _ in range(5):
            client.post(
                "/signin", data={"email": person.email, "password": "wrong password", "csrf_token": token}
            )
        r = client.post("/signin", data={"email": person.email, "password": PASSWORD, "csrf_token": token})
        assert r.status_code == 429
        assert "Too many failed sign-ins" in r.text

    def test_next_never_redirects_off_site(self, client: TestClient, world: World) -> None:
        person = world.person(world.org(), password=PASSWORD)
        client.get("/signin")
        token = client.cookies.get("askwell_csrf")
        r = client.post(
            "/signin",
            data={"email": person.email, "password": PASSWORD, "csrf_token": token, "next": "//evil.example"},
        )
        assert r.headers["location"] == "/"

    def test_pages_carry_a_strict_content_security_policy(self, client: TestClient) -> None:
        r = client.get("/signin")
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert r.headers["x-frame-options"] == "DENY"
