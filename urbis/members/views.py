import json
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from urbis.core.errors import ValidationFailed
from urbis.core.pagination import paginate
from urbis.core.taxonomies import WORLD_REGIONS

from . import selectors, services
from .forms import ImportForm
from .importing import CONTENT_TYPES, export_organisations, export_people, read_table, rows_to_json
from .models import Organisation
from .permissions import can_manage_members, can_view_organisation

IMPORT_SESSION_KEY = "members_import"


@require_GET
def directory(request):
    """Public directory of member governments (and, in a second tab, partners and organisations)."""
    directory_type = request.GET.get("type", selectors.MEMBERS)
    if directory_type not in selectors.DIRECTORY_TYPES:
        directory_type = selectors.MEMBERS
    region = request.GET.get("region", "")
    if region not in dict(WORLD_REGIONS):
        region = ""
    countries = selectors.directory_countries(directory_type=directory_type)
    country = request.GET.get("country", "").upper()
    if country not in dict(countries):
        country = ""
    q = request.GET.get("q", "").strip()[:100]
    organisations = selectors.directory_organisations(directory_type=directory_type, region=region,
                                                      country=country, q=q)
    return render(request, "members/directory.html", {
        "page": paginate(request, organisations), "directory_type": directory_type, "region": region,
        "country": country, "q": q, "regions": WORLD_REGIONS, "countries": countries,
    })


@require_GET
def organisation_detail(request, slug: str):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not can_view_organisation(request.user, organisation):
        raise Http404
    return render(request, "members/organisation_detail.html", {
        "organisation": organisation, "people": selectors.public_people_of(organisation=organisation),
        "can_manage": can_manage_members(request.user),
    })


def _require_manager(request) -> None:
    if not can_manage_members(request.user):
        raise PermissionDenied


PENDING_IMPORT_MAX_AGE = 24 * 3600


def _import_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _forget_pending_import(request) -> None:
    """Drop this visitor's unconfirmed import, and any other left unconfirmed for a day."""
    pending = request.session.pop(IMPORT_SESSION_KEY, None) or {}
    if pending.get("token"):
        (_import_dir() / f"{pending['token']}.json").unlink(missing_ok=True)
    cutoff = time.time() - PENDING_IMPORT_MAX_AGE
    for stale in _import_dir().glob("*.json"):
        if stale.stat().st_mtime < cutoff:
            stale.unlink(missing_ok=True)


def _run_import(kind: str, rows: list[dict[str, str]], actor, dry_run: bool):
    service = services.import_organisations if kind == "organisations" else services.import_people
    return service(rows=rows, actor=actor, dry_run=dry_run)


@require_http_methods(["GET", "POST"])
def import_upload(request):
    """Upload a table; answer with a dry-run preview. The rows wait server-side for the confirmation."""
    _require_manager(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        kind = form.cleaned_data["kind"]
        try:
            if upload.size > 5 * 1024 * 1024:
                raise ValidationFailed(_("The file is larger than 5 MB."), code="file_too_large", field="file")
            rows = read_table(name=upload.name, content=upload.read())
        except ValidationFailed as exc:
            form.add_error("file", str(exc.message))
        else:
            result = _run_import(kind, rows, request.user, dry_run=True)
            _forget_pending_import(request)
            token = ""
            if result.ok:
                token = secrets.token_urlsafe(24)
                (_import_dir() / f"{token}.json").write_text(json.dumps(rows_to_json(rows)))
                request.session[IMPORT_SESSION_KEY] = {"token": token, "kind": kind, "name": upload.name}
            return render(request, "members/import_preview.html", {
                "result": result, "token": token, "kind": kind, "file_name": upload.name,
            })
    return render(request, "members/import.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
def import_confirm(request):
    """Apply the previewed import, re-validated, in one transaction."""
    _require_manager(request)
    pending = request.session.get(IMPORT_SESSION_KEY) or {}
    token = request.POST.get("token", "")
    path = _import_dir() / f"{pending.get('token', '')}.json"
    if not token or token != pending.get("token") or not path.exists():
        messages.error(request, _("This import has expired or was already applied. Upload the file again."))
        return redirect("members:import")
    rows = json.loads(path.read_text())
    result = _run_import(pending["kind"], rows, request.user, dry_run=False)
    if not result.applied:
        return render(request, "members/import_preview.html", {
            "result": result, "token": "", "kind": pending["kind"], "file_name": pending.get("name", ""),
        }, status=409)
    _forget_pending_import(request)
    messages.success(request, _("Import done: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                     % result.counts())
    return redirect("members:import")


def _export_response(request, kind: str) -> HttpResponse:
    _require_manager(request)
    fmt = request.GET.get("format", "csv")
    if fmt not in CONTENT_TYPES:
        return HttpResponse(_("Unknown export format: %(value)s.") % {"value": fmt}, status=400,
                            content_type="text/plain; charset=utf-8")
    if kind == "organisations":
        content = export_organisations(queryset=selectors.all_organisations(), fmt=fmt)
    else:
        content = export_people(queryset=selectors.all_people(), fmt=fmt)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="urbis-{kind}.{fmt}"'
    return response


@require_GET
def export_organisations_view(request):
    return _export_response(request, "organisations")


@require_GET
def export_people_view(request):
    return _export_response(request, "people")
