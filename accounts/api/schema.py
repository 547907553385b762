"""Schema post-processing: every operation documents its error answers in the problem shape."""

PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "description": "e.g. `email` or `employees[3].email`"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
                "required": ["field", "code", "message"],
            },
        },
    },
    "required": ["type", "title", "status", "detail"],
}

ERRORS = {
    "400": "Bad input: every bad field is named in `errors`.",
    "401": "No valid token.",
    "403": "The token lacks the scope this operation needs.",
    "404": "No such row for this employer.",
    "405": "Method not allowed.",
    "406": "Only JSON is served.",
    "409": "The state of a resource refuses the request (a full cohort, a reused Idempotency-Key).",
    "413": "The request body is too large.",
    "415": "Send JSON.",
    "429": "Too many requests; wait `Retry-After` seconds.",
}
WRITE_ONLY = {"409", "413", "415"}


def add_problem_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM
    ref = {"$ref": "#/components/schemas/Problem"}
    for path, item in result.get("paths", {}).items():
        if not path.startswith("/api/v1/") or path.startswith(("/api/v1/schema", "/api/v1/oauth")):
            continue
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                if code in WRITE_ONLY and method in {"get", "delete"}:
                    continue
                entry = {"description": description, "content": {"application/problem+json": {"schema": ref}}}
                if code == "429":
                    entry["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}}
                responses.setdefault(code, entry)
    add_links(result)
    return result


def _properties(schema: dict, components: dict) -> dict:
    if "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    return schema.get("properties", {})


def add_links(result: dict) -> None:
    """OpenAPI links from where a row's key first appears to the operations on that row.

    A collection's POST (201) gives ``id`` to every operation under ``<collection>{id}/``; its GET
    list gives the first row's key (``id`` or ``number``) the same way. Clients and Schemathesis'
    stateful tests follow them.
    """
    paths, components = result.get("paths", {}), result.get("components", {}).get("schemas", {})
    for collection, item in paths.items():
        for method, code in (("post", "201"), ("get", "200")):
            response = item.get(method, {}).get("responses", {}).get(code)
            if not response:
                continue
            body = response.get("content", {}).get("application/json", {}).get("schema", {})
            properties = _properties(body, components)
            rows = "" if method == "post" else "/results/0"
            if method == "get":
                properties = _properties(properties.get("results", {}).get("items", {}), components)
            for target, operations in paths.items():
                key = target.removeprefix(collection).split("/", 1)[0]
                if not target.startswith(collection) or not (key.startswith("{") and key.endswith("}")):
                    continue
                name = key[1:-1]
                if name not in properties:
                    continue
                for operation in operations.values():
                    if not isinstance(operation, dict) or "operationId" not in operation:
                        continue
                    response.setdefault("links", {})[operation["operationId"]] = {
                        "operationId": operation["operationId"],
                        "parameters": {name: f"$response.body#{rows}/{name}"},
                    }
