"""The API reference at /api/docs, rendered on the server from the OpenAPI schema.

Swagger UI needs inline script and a CDN, which the CSP forbids; a plain HTML page also reads well
without JavaScript and is always in step with the routes because it is built from ``app.openapi()``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.responses import HTMLResponse

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.trim_blocks = True
TEMPLATES.env.lstrip_blocks = True
METHODS = ("get", "post", "put", "patch", "delete")
_CONSTRAINTS = {
    "minLength": "min length {}",
    "maxLength": "max length {}",
    "minimum": "≥ {}",
    "maximum": "≤ {}",
    "exclusiveMinimum": "> {}",
    "exclusiveMaximum": "< {}",
    "minItems": "at least {} items",
    "maxItems": "at most {} items",
    "format": "{}",
}


@dataclass(frozen=True)
class Token:
    """A piece of a type; ``ref`` names a schema to link to."""

    text: str
    ref: str | None = None


@dataclass
class Param:
    name: str
    location: str
    required: bool
    type: list[Token]
    notes: str


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    anchor: str
    authenticated: bool
    params: list[Param]
    body: list[Token] | None
    body_required: bool
    responses: list[tuple[str, str, list[Token] | None]]


@dataclass
class Group:
    tag: str
    operations: list[Operation] = field(default_factory=list)


@dataclass
class SchemaDoc:
    name: str
    description: str
    fields: list[Param]
    values: list[str]


@dataclass
class Reference:
    title: str
    version: str
    description: str
    auth: list[tuple[str, str]]
    groups: list[Group]
    schemas: list[SchemaDoc]


def inline_code(text: str) -> Markup:
    """Markdown's `code` spans in OpenAPI descriptions, and nothing else: the rest stays escaped."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


TEMPLATES.env.filters["code"] = inline_code


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_tokens(schema: dict[str, Any]) -> list[Token]:
    """A JSON schema as a short type expression, e.g. ``list of PersonSummary | null``."""
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return [Token(name, name)]
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            tokens: list[Token] = []
            for i, part in enumerate(schema[combinator]):
                if i:
                    tokens.append(Token(" | " if combinator != "allOf" else " & "))
                tokens.extend(type_tokens(part))
            return tokens
    if "enum" in schema:
        return [Token(" | ".join(repr(v) for v in schema["enum"]))]
    kind = schema.get("type")
    if kind == "array":
        return [Token("list of "), *type_tokens(schema.get("items", {}))]
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return [Token("map of "), *type_tokens(schema["additionalProperties"])]
    return [Token(str(kind or "any"))]


def _constraints(schema: dict[str, Any]) -> list[str]:
    notes = [fmt.format(schema[key]) for key, fmt in _CONSTRAINTS.items() if key in schema]
    for part in schema.get("anyOf", []):
        notes.extend(_constraints(part))
    if schema.get("items"):
        notes.extend(f"each: {n}" for n in _constraints(schema["items"]))
    return notes


def _notes(schema: dict[str, Any], description: str = "") -> str:
    parts = [description or schema.get("description", "")]
    parts.extend(_constraints(schema))
    if "default" in schema and schema["default"] not in ("", None, [], {}):
        parts.append(f"default {schema['default']!r}")
    return "; ".join(p for p in parts if p)


def _operation(path: str, method: str, op: dict[str, Any], global_security: list[Any]) -> Operation:
    params = [
        Param(
            name=p["name"],
            location=p["in"],
            required=bool(p.get("required")),
            type=type_tokens(p.get("schema", {})),
            notes=_notes(p.get("schema", {}), p.get("description", "")),
        )
        for p in op.get("parameters", [])
    ]
    body: list[Token] | None = None
    body_spec = op.get("requestBody")
    if body_spec:
        content = body_spec.get("content", {})
        media: dict[str, Any] = content.get("application/json") or next(iter(content.values()), {})
        body = type_tokens(media.get("schema", {}))
    responses = []
    for status, spec in sorted(op.get("responses", {}).items()):
        media = spec.get("content", {}).get("application/json")
        responses.append(
            (status, spec.get("description", ""), type_tokens(media["schema"]) if media else None)
        )
    return Operation(
        method=method.upper(),
        path=path,
        summary=op.get("summary", ""),
        description=op.get("description", ""),
        anchor=op.get("operationId", f"{method}-{path}"),
        authenticated=bool(op.get("security", global_security)),
        params=params,
        body=body,
        body_required=bool(body_spec and body_spec.get("required")),
        responses=responses,
    )


def _schema_doc(name: str, schema: dict[str, Any]) -> SchemaDoc:
    required = set(schema.get("required", []))
    fields = [
        Param(name=prop, location="", required=prop in required, type=type_tokens(spec), notes=_notes(spec))
        for prop, spec in schema.get("properties", {}).items()
    ]
    return SchemaDoc(
        name=name,
        description=schema.get("description", ""),
        fields=fields,
        values=[str(v) for v in schema.get("enum", [])],
    )


def build_reference(openapi: dict[str, Any]) -> Reference:
    """Operations grouped by their first tag (in order of first appearance), then every schema."""
    global_security = openapi.get("security", [])
    groups: dict[str, Group] = {}
    for path, item in openapi.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                op = item[method]
                tag = (op.get("tags") or ["other"])[0]
                groups.setdefault(tag, Group(tag)).operations.append(
                    _operation(path, method, op, global_security)
                )
    components = openapi.get("components", {})
    auth = [
        (
            name,
            scheme.get("description", "") or f"{scheme.get('type', '')} {scheme.get('scheme', '')}".strip(),
        )
        for name, scheme in components.get("securitySchemes", {}).items()
    ]
    info = openapi.get("info", {})
    return Reference(
        title=info.get("title", "API"),
        version=str(info.get("version", "")),
        description=info.get("description", ""),
        auth=auth,
        groups=list(groups.values()),
        schemas=[_schema_doc(n, s) for n, s in sorted(components.get("schemas", {}).items())],
    )


router = APIRouter(include_in_schema=False)


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    reference = build_reference(request.app.openapi())
    openapi_url = request.app.openapi_url or ""
    return TEMPLATES.TemplateResponse(request, "docs.html", {"ref": reference, "openapi_url": openapi_url})
