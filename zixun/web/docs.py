"""/docs: the OpenAPI schema as a plain server-rendered page (Swagger UI would load scripts from a CDN)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse


def describe(schema: dict) -> str:
    """A JSON-schema type in a few words: string, integer 1..100, 24h | 7d, ArticleItem[], date or null."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[1]
    if "anyOf" in schema:
        return " or ".join(describe(s) for s in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if schema.get("type") == "array":
        return describe(schema.get("items", {})) + "[]"
    kind = schema.get("format") or schema.get("type") or "any"
    if "minimum" in schema or "maximum" in schema:
        kind += f" {schema.get('minimum', '')}..{schema.get('maximum', '')}"
    if "maxLength" in schema:
        kind += f" (≤ {schema['maxLength']} chars)"
    return kind


def _operations(spec: dict) -> list[dict]:
    found = []
    for path, methods in spec.get("paths", {}).items():
        for method, operation in methods.items():
            responses = {
                code: describe(next(iter(r.get("content", {}).values()), {}).get("schema", {}))
                for code, r in operation.get("responses", {}).items()
            }
            found.append(
                dict(
                    method=method.upper(),
                    path=path,
                    summary=operation.get("summary", ""),
                    description=operation.get("description", ""),
                    responses=responses,
                    parameters=[
                        dict(
                            name=p["name"],
                            where=p["in"],
                            required=p.get("required", False),
                            kind=describe(p.get("schema", {})),
                            description=p.get("description") or p.get("schema", {}).get("description", ""),
                        )
                        for p in operation.get("parameters", [])
                    ],
                )
            )
    return found


def _models(spec: dict) -> list[dict]:
    schemas = spec.get("components", {}).get("schemas", {})
    return [
        dict(
            name=name,
            description=s.get("description", ""),
            fields=[(field, describe(f), f.get("description", "")) for field, f in s.get("properties", {}).items()],
        )
        for name, s in schemas.items()
    ]


def install(app: FastAPI) -> None:
    """Serve /docs from the app's own schema."""

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    async def docs(request: Request) -> HTMLResponse:
        spec = app.openapi()
        return request.app.state.renderer.html(
            "docs.html", nav=[], info=spec["info"], operations=_operations(spec), models=_models(spec)
        )
