import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from askwell.api.docs import Token, build_reference, type_tokens


class TestApiDocsPage:
    def test_public_and_lists_every_operation(self, client: TestClient, app: FastAPI) -> None:
        r = client.get("/api/docs")
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/html")
        for path, item in app.openapi()["paths"].items():
            for method in item:
                assert f"{method.upper()}</span> <code>{path}</code>" in r.text

    def test_explains_authentication_and_links_schemas(self, client: TestClient) -> None:
        text = client.get("/api/docs").text
        assert "Authorization: Bearer" in text
        assert 'href="#schema-PersonRead"' in text
        assert 'id="schema-PersonRead"' in text
        assert 'href="/api/v1/openapi.json"' in text

    def test_no_script_and_no_inline_style_so_the_csp_holds(self, client: TestClient) -> None:
        r = client.get("/api/docs")
        assert "<script" not in r.text
        assert not re.search(r"\sstyle=|\son[a-z]+=|<style", r.text)
        assert "unsafe-inline" not in r.headers["content-security-policy"]
        assert client.get("/static/api-docs.css").status_code == 200

    def test_openapi_declares_bearer_auth_and_our_error_shape(self, client: TestClient) -> None:
        schema = client.get("/api/v1/openapi.json").json()
        assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
        responses = schema["paths"]["/api/v1/people"]["get"]["responses"]
        assert responses["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ApiError")


class TestBuildReference:
    def test_groups_by_tag_and_describes_types(self) -> None:
        openapi = {
            "info": {"title": "T", "version": "1"},
            "paths": {
                "/a": {"get": {"tags": ["x"], "operationId": "a", "responses": {}}},
                "/b": {
                    "post": {
                        "tags": ["y"],
                        "operationId": "b",
                        "security": [{"HTTPBearer": []}],
                        "parameters": [
                            {
                                "name": "n",
                                "in": "query",
                                "schema": {"type": "integer", "maximum": 5, "default": 2},
                            }
                        ],
                        "requestBody": {
                            "required": True,
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/B"}}},
                        },
                        "responses": {"201": {"description": "ok"}},
                    }
                },
            },
            "components": {"schemas": {"B": {"properties": {"v": {"type": "string"}}, "required": ["v"]}}},
        }
        ref = build_reference(openapi)
        assert [(g.tag, [o.path for o in g.operations]) for g in ref.groups] == [("x", ["/a"]), ("y", ["/b"])]
        op = ref.groups[1].operations[0]
        assert (op.method, op.authenticated, op.body, op.body_required) == (
            "POST",
            True,
            [Token("B", "B")],
            True,
        )
        assert op.params[0].notes == "≤ 5; default 2"
        assert ref.groups[0].operations[0].authenticated is False
        assert ref.schemas[0].fields[0].required is True

    def test_type_expressions(self) -> None:
        def text(schema: dict[str, object]) -> str:
            return "".join(t.text for t in type_tokens(schema))

        assert text({"type": "array", "items": {"$ref": "#/components/schemas/P"}}) == "list of P"
        assert text({"anyOf": [{"type": "string"}, {"type": "null"}]}) == "string | null"
        assert text({"enum": ["a", "b"]}) == "'a' | 'b'"
        assert text({}) == "any"
