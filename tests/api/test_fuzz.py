"""Schemathesis over every ``/api/v1`` operation, as a member and as an admin.

Each generated request goes to the app in process (ASGI) with the caller's bearer token and must get
an answer that is not a 5xx and that the published schema (``/api/v1/openapi.json``) describes: a
documented status code, content type, headers and body. Three modes per operation and role: valid
input, invalid input (schemathesis also drops the token there, so 401s are expected) and valid input
aimed at the seeded objects' ids. Examples are bounded per operation and Hypothesis is derandomized,
so a run is the same every time and cannot flake.

Every request runs inside a savepoint that is rolled back afterwards, so each one sees the seeded
organization (no request can revoke the token or delete the asks the next one needs) and the run
stays independent of order.

``make test`` runs a small slice (``ASKWELL_FUZZ_EXAMPLES`` defaults to 2 per operation, role and
mode); ``make fuzz`` runs the same test with more examples and prints the summary.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field

import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.strategies import SearchStrategy
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Connection

from askwell.people.models import Role
from tests.conftest import World

EXAMPLES = int(os.environ.get("ASKWELL_FUZZ_EXAMPLES", "2"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
ASK = {
    "title": "Review PR #4412 retry logic before Thursday's release",
    "body": "Could someone who knows Kafka review PR #4412 by Wednesday 4pm? It blocks the payments release.",
    "tags": ["Kafka"],
}


@dataclass
class Summary:
    """What a run covered and what it found, printed for ``make fuzz``."""

    operations: set[str] = field(default_factory=set)
    examples: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def report(self) -> str:
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(self.statuses.items()))
        lines = [
            f"fuzz: {len(self.operations)} operations, {self.examples} examples "
            f"({EXAMPLES} per operation, role and mode), {len(self.failures)} failures",
            f"fuzz: statuses {statuses}",
            *(f"FAIL {failure}" for failure in self.failures),
        ]
        return "\n".join(lines)


@dataclass
class Caller:
    """A role's token, and the ids of things it owns or can see, for the known-ids mode."""

    headers: dict[str, str]
    ids: dict[str, int]


def _seed(client: TestClient, world: World) -> dict[str, Caller]:
    """An organization with an admin, members, a team, asks with offers, a tie and an invitation,
    so the known-ids mode reaches real objects (random ids mostly answer 404)."""
    org = world.org("Fuzz")
    world.team(org, "Payments")
    admin = world.person(org, "Ada Admin", role=Role.ADMIN, skills=["Kafka"], teams=["Payments"])
    member = world.person(org, "Mo Member", skills=["Python"], teams=["Payments"])
    helper = world.person(org, "Hal Helper", skills=["SQL"])
    headers = {
        "admin": {"Authorization": f"Bearer {world.api_token(admin)}"},
        "member": {"Authorization": f"Bearer {world.api_token(member)}"},
    }
    helper_headers = {"Authorization": f"Bearer {world.api_token(helper)}"}
    team = client.get("/api/v1/teams", headers=headers["admin"]).json()[0]["id"]
    callers = {}
    for role in ("member", "admin"):
        ask = client.post("/api/v1/asks", json=ASK, headers=headers[role])
        assert ask.status_code == 201, ask.text
        offer = client.post(
            f"/api/v1/asks/{ask.json()['id']}/offers",
            json={"kind": "advise", "message": "I can help"},
            headers=helper_headers,
        )
        assert offer.status_code == 201, offer.text
        token = client.get("/api/v1/tokens", headers=headers[role]).json()[0]["id"]
        ids = {
            "ask_id": ask.json()["id"],
            "offer_id": offer.json()["id"],
            "person_id": helper.id,
            "team_id": team,
            "token_id": token,
        }
        callers[role] = Caller(headers=headers[role], ids=ids)
    # Loads the embedding model before the timed calls: schemathesis gives each request 10 s, and the
    # first suggestions call on a busy machine spent them loading the model ("fails on first call").
    warm = client.get(
        f"/api/v1/asks/{callers['member'].ids['ask_id']}/suggestions", headers=headers["member"]
    )
    assert warm.status_code == 200, warm.text
    tie = client.post("/api/v1/network/ties", json={"person_id": helper.id}, headers=headers["member"])
    assert tie.status_code == 201, tie.text
    invitation = client.post(
        "/api/v1/invitations", json={"email": "new.person@example.com"}, headers=headers["admin"]
    )
    assert invitation.status_code == 201, invitation.text
    callers["admin"].ids["invitation_id"] = invitation.json()["id"]
    return callers


def _fuzz(app: FastAPI, connection: Connection, callers: dict[str, Caller]) -> Summary:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    summary = Summary()
    for result in schema.get_all_operations():
        operation = result.ok()
        summary.operations.add(operation.label)
        names = {parameter.name for parameter in operation.path_parameters}
        for role, caller in callers.items():
            for mode in MODES:
                strategy = operation.as_strategy(generation_mode=mode)
                _fuzz_operation(
                    operation, f"{role}, {mode.value}", caller.headers, strategy, connection, summary
                )
            known = {name: value for name, value in caller.ids.items() if name in names}
            if names and set(known) == names:
                # Valid input aimed at real objects: deeper than the 404s random ids mostly get.
                strategy = operation.as_strategy(
                    generation_mode=GenerationMode.POSITIVE, path_parameters=known
                )
                _fuzz_operation(
                    operation, f"{role}, known ids", caller.headers, strategy, connection, summary
                )
    return summary


def _fuzz_operation(
    operation: schemathesis.APIOperation,
    label: str,
    auth: dict[str, str],
    strategy: SearchStrategy[schemathesis.Case],
    connection: Connection,
    summary: Summary,
) -> None:
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=strategy)
    def run(case: schemathesis.Case) -> None:
        savepoint = connection.begin_nested()
        try:
            response = case.call(headers=auth)
            summary.examples += 1
            summary.statuses[response.status_code] += 1
            case.validate_response(response, checks=CHECKS, headers=auth)
        finally:
            if savepoint.is_active:
                savepoint.rollback()

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # schemathesis's FailureGroup is a BaseExceptionGroup
        summary.failures.append(f"{operation.label} ({label}): {_describe(exc)}")


def _describe(exc: BaseException) -> str:
    """Each distinct failure's title and message, with the request that reproduces it."""
    if isinstance(exc, BaseExceptionGroup):
        return str(exc).split("\n", 1)[-1].strip()
    return f"{type(exc).__name__}: {exc}"


def test_api_conforms_to_its_schema_for_members_and_admins(
    app: FastAPI, client: TestClient, world: World, connection: Connection
) -> None:
    callers = _seed(client, world)
    summary = _fuzz(app, connection, callers)
    print(f"\n{summary.report()}")
    assert len(summary.operations) >= 50
    assert not summary.failures, summary.report()


class TestFoundByFuzzing:
    """Regression tests for what the fuzz run found, each independent of Hypothesis."""

    def test_a_body_that_is_not_utf8_is_invalid_input_not_an_undocumented_400(
        self, client: TestClient, world: World
    ) -> None:
        org = world.org()
        headers = {
            "Authorization": f"Bearer {world.api_token(world.person(org))}",
            "content-type": "application/json",
        }
        r = client.post("/api/v1/asks", content=b"\xff\xfe{", headers=headers)
        assert (r.status_code, r.json()["error"]) == (422, "InvalidInput")

    def test_a_conflict_is_a_documented_status(self, client: TestClient, world: World) -> None:
        org = world.org()
        headers = {"Authorization": f"Bearer {world.api_token(world.person(org))}"}
        ask = client.post("/api/v1/asks", json=ASK, headers=headers).json()
        r = client.post(f"/api/v1/asks/{ask['id']}/publish", headers=headers)
        assert (r.status_code, r.json()["error"]) == (409, "TransitionNotAllowed")
        operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/asks/{ask_id}/publish"][
            "post"
        ]
        assert "409" in operation["responses"]

    def test_every_operation_documents_the_errors_the_handlers_produce(self, client: TestClient) -> None:
        paths = client.get("/api/v1/openapi.json").json()["paths"]
        for path, operations in paths.items():
            for method, operation in operations.items():
                missing = {"401", "403", "404", "409", "413", "422", "503"} - set(operation["responses"])
                assert not missing, f"{method.upper()} {path} does not document {sorted(missing)}"
        busy = paths["/api/v1/asks"]["get"]["responses"]["503"]
        assert "Retry-After" in busy["headers"]
