"""API schemas of the member governments directory."""

from typing import Literal

from ninja import Field, Schema

from urbis.api.pagination import PageParams
from urbis.core.taxonomies import WORLD_REGIONS

RegionValue = Literal[tuple(code for code, _label in WORLD_REGIONS)]  # type: ignore[valid-type]


class MemberOut(Schema):
    slug: str
    name: str
    city: str
    country: str
    country_name: str
    region: str
    membership_status: str
    population: int | None
    member_since: int | None
    time_zone: str
    latitude: float | None
    longitude: float | None
    website: str


class MemberDetailOut(MemberOut):
    description: str


class MemberPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[MemberOut]


class MemberFilters(PageParams):
    region: RegionValue | None = None
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 code.")
    q: str | None = Field(None, max_length=200, pattern=r"^[^\x00]*$", description="Words of the name or city.")
