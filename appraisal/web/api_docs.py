"""The API's documentation at ``/docs``, from its OpenAPI schema (``/openapi.json``).

FastAPI's own ``/docs`` is Swagger UI, loaded from a CDN and run by scripts: the closed
network of a company server does not reach the CDN, and the security policy (no script
but our own) would block it. This page is drawn on the server instead, from the same
schema, in the reader's language: each endpoint with its method, path, summary, the
parameters and the body it takes, and its answers. No script, no style of its own.
"""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from appraisal.i18n import N_, _, language

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    schema: dict[str, Any] = request.app.openapi()
    title = escape(_("The API of appraisal"))
    link = escape(_("The OpenAPI schema (JSON)"))
    parts = [
        "<!doctype html>",
        f'<html lang="{language()}"><head><meta charset="utf-8">',
        f"<title>{title}</title>",
        '<link rel="stylesheet" href="/static/app.css"></head><body><main>',
        f"<h1>{title}</h1>",
        f"<p>{escape(_(API_INTRODUCTION))}</p>",
        f'<p><a href="/openapi.json">{link}</a></p>',
    ]
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            parts.append(_operation(method, path, operation, schema))
    parts.append("</main></body></html>")
    return HTMLResponse("\n".join(parts))


API_INTRODUCTION = N_(
    'Log in with POST /api/login, whose body is {"username": …, "password": …}: it sets the '
    'session cookie and returns {"csrf_token": …}. Every call that changes something carries '
    'that token in the header X-CSRF-Token. A refusal is {"error": {"status": …, '
    '"messages": […]}}, worded as the command line words it.'
)


def _operation(method: str, path: str, operation: dict[str, Any], schema: dict[str, Any]) -> str:
    summary = operation.get("summary", "")
    lines = [
        "<section>",
        f"<h2><code>{escape(method.upper())} {escape(path)}</code></h2>",
        f"<p>{escape(_(summary))}</p>" if summary else "",
    ]
    parameters = operation.get("parameters", [])
    if parameters:
        heading = escape(_("Parameters"))
        lines.append(f"<h3>{heading}</h3><ul>")
        for parameter in parameters:
            where = parameter.get("in", "")
            needed = _("required") if parameter.get("required") else _("optional")
            lines.append(
                f"<li><code>{escape(parameter.get('name', ''))}</code> ({escape(where)}, "
                f"{escape(needed)})</li>"
            )
        lines.append("</ul>")
    body = operation.get("requestBody", {}).get("content", {})
    for media_type, content in body.items():
        heading = escape(_("Body"))
        lines.append(f"<h3>{heading}: <code>{escape(media_type)}</code></h3>")
        lines.append(_fields(content.get("schema", {}), schema))
    answers = operation.get("responses", {})
    if answers:
        heading = escape(_("Answers"))
        lines.append(f"<h3>{heading}</h3><ul>")
        for status, answer in answers.items():
            lines.append(
                f"<li><code>{escape(str(status))}</code> {escape(answer.get('description', ''))}</li>"
            )
        lines.append("</ul>")
    lines.append("</section>")
    return "\n".join(line for line in lines if line)


def _fields(body: dict[str, Any], schema: dict[str, Any]) -> str:
    """The fields of a body, each with its type and whether it is required."""
    for choice in body.get("anyOf", [body]):  # an optional body: its schema, or null
        if "$ref" in choice:
            body = choice
    name = str(body.get("$ref", "")).rpartition("/")[2]
    model = schema.get("components", {}).get("schemas", {}).get(name, body)
    required = set(model.get("required", []))
    items = []
    for field, about in model.get("properties", {}).items():
        kind = about.get("type") or "/".join(str(a.get("type", "")) for a in about.get("anyOf", []))
        needed = _("required") if field in required else _("optional")
        items.append(
            f"<li><code>{escape(field)}</code> ({escape(str(kind))}, {escape(needed)})</li>"
        )
    return f"<ul>{''.join(items)}</ul>"
