"""Limit/offset pagination shared by every list endpoint: ``?limit=&offset=`` and a total ``count``."""

from django.db.models import QuerySet
from ninja import Field, Schema

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class PageParams(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="How many items (1–200).")
    offset: int = Field(0, ge=0, le=1_000_000, description="How many items to skip.")


def paginate(qs: QuerySet, *, limit: int, offset: int) -> tuple[int, list]:
    """(total count, the rows of the page) in two queries, whatever the size of the list."""
    return qs.count(), list(qs[offset:offset + limit])
