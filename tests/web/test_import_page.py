from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from askwell.core.config import Settings
from askwell.people.models import Person
from tests.conftest import World
from tests.web.conftest import post

GOOD = b"email,name,title,skills\nada@example.com,Ada Lovelace,Analyst,Maths;Engines\ngrace@example.com,Grace Hopper,,\n"
MIXED = b"email,name,timezone\nada@example.com,Ada Lovelace,UTC\nnot-an-email,Bad Row,UTC\ngrace@example.com,Grace Hopper,Mars/Base\n"


def upload(client: TestClient, data: bytes, **options: str) -> Response:
    return post(client, "/admin/import", options, files={"file": ("people.csv", data, "text/csv")})


@pytest.fixture
def admin(world: World, signed_in: Callable[[Person], TestClient]) -> TestClient:
    return signed_in(world.person(world.org(), "Ana Admin", role="admin"))


def directory_names(client: TestClient) -> str:
    return client.get("/people").text


class TestImportPage:
    def test_anonymous(self, client: TestClient) -> None:
        assert client.get("/admin/import").status_code == 303

    def test_member_forbidden(self, world: World, signed_in: Callable[[Person], TestClient]) -> None:
        client = signed_in(world.person(world.org()))
        assert upload(client, GOOD).status_code == 403
        assert "Ada Lovelace" not in directory_names(client)

    def test_valid_imports_everyone(self, admin: TestClient) -> None:
        r = upload(admin, GOOD)
        assert r.status_code == 200
        assert "Imported 2 people." in r.text
        people = directory_names(admin)
        assert "Ada Lovelace" in people and "Grace Hopper" in people

    def test_dry_run_writes_nothing(self, admin: TestClient) -> None:
        r = upload(admin, GOOD, dry_run="1")
        assert "Dry run: 2 people would be imported." in r.text
        assert "Ada Lovelace" not in directory_names(admin)

    def test_bad_rows_are_reported_line_by_line_and_nothing_is_written(self, admin: TestClient) -> None:
        r = upload(admin, MIXED)
        assert r.status_code == 422
        text = r.text
        assert '<td class="num">3</td><td>email</td>' in text
        assert '<td class="num">4</td><td>timezone</td>' in text
        assert "Nothing was imported" in text
        assert "Ada Lovelace" not in directory_names(admin)

    def test_skip_invalid_imports_the_rest(self, admin: TestClient) -> None:
        r = upload(admin, MIXED, skip_invalid="1")
        assert r.status_code == 200
        assert "Imported 1 person." in r.text
        assert "Skipped lines: 3, 4." in r.text
        assert "Ada Lovelace" in directory_names(admin)

    def test_not_a_csv(self, admin: TestClient) -> None:
        r = upload(admin, b"\x89PNG\r\n\x1a\n\x00\x00binary")
        assert r.status_code == 422
        assert 'class="error"' in r.text

    def test_missing_file(self, admin: TestClient) -> None:
        r = post(admin, "/admin/import", {"dry_run": "1"}, files={"other": ("x.txt", b"", "text/plain")})
        assert r.status_code == 422
        assert "Choose a CSV file to upload." in r.text

    def test_too_large(
        self, world: World, signed_in: Callable[[Person], TestClient], settings: Settings
    ) -> None:
        settings.max_upload_bytes = 1024
        client = signed_in(world.person(world.org(), role="admin"))
        big = GOOD + b"x@example.com,X" + b"x" * 2000 + b"\n"
        r = upload(client, big)
        assert r.status_code == 413
        assert "larger than the limit of 1,024 bytes" in r.text
