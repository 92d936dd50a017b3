"""Schemas shared by every router: the error format."""

from ninja import Schema


class ErrorDetail(Schema):
    code: str
    message: str
    field: str | None = None
    details: list[dict] | None = None


class ErrorOut(Schema):
    error: ErrorDetail


def errors(*statuses: int) -> dict:
    """The `response=` entries of the error answers an operation may give."""
    return dict.fromkeys(statuses, ErrorOut)
