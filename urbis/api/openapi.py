"""The OpenAPI document says what every operation may answer: besides what an endpoint declares,
the error format for the errors that the shared handlers (urbis.api.errors) give anywhere — 400, 404,
409 and 422 for every operation (a domain error, an unknown id, a conflict, a malformed request),
and 401/403 for the operations that need a logged-in caller (or check a permission themselves)."""

ERROR_SCHEMA_NAME = "ApiError"

ERROR_SCHEMA = {
    "title": "ApiError",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "field": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                "details": {"anyOf": [{"type": "array", "items": {"type": "object"}}, {"type": "null"}]},
            },
        },
    },
}

DESCRIPTIONS = {
    "400": "The request breaks a rule (error code says which); nothing was changed.",
    "401": "Log in first (unauthenticated).",
    "403": "Not allowed (permission_denied), or the CSRF token is missing (csrf_failed).",
    "404": "Unknown object (not_found).",
    "409": "Conflicts with the current state (error code says which); nothing was changed.",
    "422": "Malformed or invalid request (validation_failed, or a more precise code); nothing was changed.",
}
EVERYWHERE = ("400", "403", "404", "409", "422")
AUTHENTICATED = ("401",)

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def document_error_responses(schema: dict) -> dict:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(ERROR_SCHEMA_NAME, ERROR_SCHEMA)
    ref = {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            statuses = EVERYWHERE + (AUTHENTICATED if operation.get("security") else ())
            for status in statuses:
                responses.setdefault(status, {"description": DESCRIPTIONS[status],
                                              "content": {"application/json": {"schema": ref}}})
    return schema
