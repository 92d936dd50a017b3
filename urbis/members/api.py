"""The member governments directory in the JSON API (mounted at /api/v1/members). Public reads: the
same organisations as the directory pages (unlisted ones only for staff)."""

from django.http import Http404
from ninja import Path, Query, Router

from urbis.api.pagination import paginate
from urbis.api.schemas import errors

from .enums import OrganisationKind
from .models import Organisation
from .permissions import can_view_organisation
from .schemas import MemberDetailOut, MemberFilters, MemberPage
from .selectors import MEMBERS, directory_organisations

router = Router(tags=["members"])


def _member_out(org: Organisation) -> dict:
    return {"slug": org.slug, "name": org.name, "city": org.city, "country": org.country,
            "country_name": org.country_name if org.country else "", "region": org.region,
            "membership_status": org.membership_status, "population": org.population,
            "member_since": org.member_since, "time_zone": org.time_zone, "latitude": org.latitude,
            "longitude": org.longitude, "website": org.website}


@router.get("", response={200: MemberPage, **errors(422)}, auth=None,
            summary="Member governments, filtered by region, country or words, paginated")
def list_members(request, filters: Query[MemberFilters]):
    qs = directory_organisations(directory_type=MEMBERS, region=filters.region or "",
                                 country=filters.country or "", q=(filters.q or "").strip())
    count, rows = paginate(qs, limit=filters.limit, offset=filters.offset)
    return {"count": count, "limit": filters.limit, "offset": filters.offset,
            "items": [_member_out(org) for org in rows]}


@router.get("/{slug}", response={200: MemberDetailOut, **errors(404, 422)}, auth=None,
            summary="One member government")
def get_member(request, slug: str = Path(..., pattern=r"^[-a-zA-Z0-9_]+$", max_length=220)):
    org = Organisation.objects.filter(slug=slug, kind=OrganisationKind.MEMBER_GOVERNMENT).first()
    if org is None or not can_view_organisation(request.user, org):
        raise Http404
    return {**_member_out(org), "description": org.description}
