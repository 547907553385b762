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
    return result
