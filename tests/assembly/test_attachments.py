"""Documents of a meeting and of its items: upload (type from the bytes, size cap), visibility, download, delete."""

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.assembly.factories import make_assembly
from tests.factories import UserFactory
from tests.helpers import count_queries
from urbis.assembly import services
from urbis.assembly.models import AgendaAttachment
from urbis.core.errors import NotFound, ValidationFailed
from urbis.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _png_with_metadata() -> bytes:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Secret Person")
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})
ODS = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<office/>"})


def _upload(data: bytes, name: str = "file.bin") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def _add(a, data=PDF, *, title="Annual report", visibility="public", item=None, name="report.pdf"):
    return services.add_attachment(meeting=a.meeting, item=item, title=title, upload=_upload(data, name),
                                   visibility=visibility, actor=a.staff)


def test_sniffer_judges_the_bytes_not_the_name():
    assert [services.sniff_document(d) for d in (PDF, DOCX, XLSX, ODT, _png_with_metadata(), b"\xff\xd8\xff\xe0abc")] \
        == [("application/pdf", "pdf"),
            ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
            ("application/vnd.oasis.opendocument.text", "odt"), ("image/png", "png"), ("image/jpeg", "jpg")]
    webp = b"RIFF\x00\x00\x00\x00WEBPVP8 "
    assert [services.sniff_document(d) for d in (b"MZ\x90\x00", b"<html>", ODS, _zip({"a.txt": b"x"}), b"PK\x03\x04junk",
                                                 webp, b"")] == [None] * 7


def test_add_attachment_stores_the_sniffed_type_and_audits():
    a = make_assembly(2)
    item = services.add_item(meeting=a.meeting, kind="motion", title="Plan", actor=a.staff)
    doc = _add(a, DOCX, title="Strategic plan (draft)", visibility="members", item=item, name="evil.pdf")
    doc = AgendaAttachment.objects.get(pk=doc.pk)
    assert (doc.meeting, doc.item, doc.title, doc.content_type, doc.size, doc.visibility, doc.extension) == (
        a.meeting, item, "Strategic plan (draft)",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", len(DOCX), "members", "DOCX")
    assert doc.file.name == "assembly/ga/strategic-plan-draft.docx"
    assert default_storage.open(doc.file.name).read() == DOCX
    entry = AuditEntry.objects.get(action="assembly.attachment.added")
    assert (entry.actor, entry.data) == (a.staff, {
        "attachment": doc.pk, "item": item.pk, "title": "Strategic plan (draft)", "type": doc.content_type,
        "size": len(DOCX), "visibility": "members"})


def test_images_lose_their_metadata():
    a = make_assembly(2)
    data = _png_with_metadata()
    doc = _add(a, data, title="Photo", name="photo.png")
    from PIL import Image

    stored = default_storage.open(doc.file.name).read()
    with Image.open(io.BytesIO(stored)) as image:
        assert (image.size, image.info.get("Author"), b"Secret Person" in stored) == ((4, 4), None, False)


def test_bad_uploads_are_refused_and_nothing_is_stored(settings):
    settings.URBIS_ASSEMBLY_ATTACHMENT_MAX_MB = 1
    a = make_assembly(2)
    other = make_assembly(2, slug="other")
    foreign_item = services.add_item(meeting=other.meeting, kind="report", title="Elsewhere", actor=other.staff)
    cases = [
        (dict(data=b"MZ\x90\x00" + b"\x00" * 100), ValidationFailed, "attachment_wrong_type"),
        (dict(data=PDF + b"\x00" * (1024 * 1024)), ValidationFailed, "attachment_too_large"),
        (dict(data=b"\x89PNG\r\n\x1a\nbroken"), ValidationFailed, "attachment_unreadable"),
        (dict(title="  "), ValidationFailed, "title_missing"),
        (dict(visibility="everyone"), ValidationFailed, "bad_visibility"),
        (dict(item=foreign_item), NotFound, "item_not_found"),
    ]
    for kwargs, error, code in cases:
        with pytest.raises(error) as exc:
            _add(a, **kwargs)
        assert exc.value.code == code
    assert (AgendaAttachment.objects.count(), AuditEntry.objects.filter(action="assembly.attachment.added").count()) \
        == (0, 0)
    assert default_storage.exists("assembly/ga") is False or default_storage.listdir("assembly/ga") == ([], [])


def test_delete_attachment_removes_row_and_file_audited(django_capture_on_commit_callbacks):
    a = make_assembly(2)
    doc = _add(a)
    name = doc.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_attachment(attachment=doc, actor=a.staff)
    assert (AgendaAttachment.objects.count(), default_storage.exists(name)) == (0, False)
    entry = AuditEntry.objects.get(action="assembly.attachment.deleted")
    assert (entry.actor, entry.data) == (a.staff, {"attachment": doc.pk, "item": None, "title": "Annual report"})


def test_deleting_an_item_deletes_its_documents(django_capture_on_commit_callbacks):
    a = make_assembly(2)
    item = services.add_item(meeting=a.meeting, kind="report", title="Report", actor=a.staff)
    doc = _add(a, item=item)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_item(item=item, actor=a.staff)
    assert (AgendaAttachment.objects.count(), default_storage.exists(doc.file.name)) == (0, False)


# ---------------------------------------------------------------------------------------------- pages


def _open(a):
    services.open_meeting(meeting=a.meeting, actor=a.staff)


def test_public_document_downloads_for_anyone_once_the_meeting_is_open(client):
    a = make_assembly(2)
    doc = _add(a)
    url = reverse("assembly:attachment", args=[a.meeting.slug, doc.pk])
    assert client.get(url).status_code == 404          # the meeting is still in preparation
    _open(a)
    r = client.get(url)
    assert (r.status_code, r["Content-Type"], b"".join(r.streaming_content)) == (200, "application/pdf", PDF)
    assert r["Content-Disposition"] == 'inline; filename="annual-report.pdf"'


def test_members_only_document_for_delegates_and_staff_denied_to_others(client):
    a = make_assembly(2)
    doc = _add(a, XLSX, title="Dues", visibility="members", name="dues.xlsx")
    _open(a)
    url = reverse("assembly:attachment", args=[a.meeting.slug, doc.pk])
    r = client.get(url)
    assert (r.status_code, r["Location"].startswith("/accounts/login/")) == (302, True)
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(a.delegates[1])
    r = client.get(url)
    assert (r.status_code, r["Content-Disposition"], r["Cache-Control"]) == (
        200, 'attachment; filename="dues.xlsx"', "private, no-store")
    client.force_login(a.staff)
    assert client.get(url).status_code == 200


def test_documents_are_listed_for_those_who_may_see_them(client):
    a = make_assembly(2)
    item = services.add_item(meeting=a.meeting, kind="motion", title="Plan", actor=a.staff)
    _add(a, title="Annual report")
    _add(a, title="Plan (public)", item=item)
    _add(a, ODT, title="Plan (delegates)", item=item, visibility="members", name="plan.odt")
    _open(a)
    meeting_url = reverse("assembly:meeting", args=[a.meeting.slug])
    item_url = reverse("assembly:item", args=[a.meeting.slug, item.pk])
    r = client.get(meeting_url)
    assert ([d.title for d in r.context["meeting_docs"]], [d.title for d in r.context["items"][0].docs]) == (
        ["Annual report"], ["Plan (public)"])
    assert [d.title for d in client.get(item_url).context["attachments"]] == ["Plan (public)"]
    client.force_login(a.delegates[0])
    assert [d.title for d in client.get(meeting_url).context["items"][0].docs] == ["Plan (delegates)", "Plan (public)"]
    assert [d.title for d in client.get(item_url).context["attachments"]] == ["Plan (delegates)", "Plan (public)"]


def test_staff_upload_and_delete_allowed_for_staff_denied_for_delegates(client):
    a = make_assembly(2)
    url = reverse("assembly:staff_attachment_add", args=[a.meeting.slug])
    form = {"title": "Annual report", "visibility": "public", "item": ""}
    client.force_login(a.delegates[0])
    assert client.post(url, {**form, "file": _upload(PDF, "r.pdf")}).status_code == 403
    assert AgendaAttachment.objects.count() == 0
    client.force_login(a.staff)
    r = client.post(url, {**form, "file": _upload(PDF, "r.pdf")}, follow=True)
    assert [str(m) for m in r.context["messages"]] == ["The document is attached."]
    r = client.post(url, {**form, "file": _upload(b"<script>", "r.pdf")}, follow=True)
    assert [str(m) for m in r.context["messages"]] == ["Only PDF, ODT, DOCX, XLSX, PNG and JPEG files are accepted."]
    r = client.post(url, {**form}, follow=True)
    assert [str(m) for m in r.context["messages"]] == [
        "Give a title and choose a file: * file\n  * This field is required."]
    (doc,) = AgendaAttachment.objects.all()
    delete = reverse("assembly:staff_attachment_delete", args=[a.meeting.slug, doc.pk])
    client.force_login(a.delegates[0])
    assert (client.post(delete).status_code, AgendaAttachment.objects.count()) == (403, 1)
    client.force_login(a.staff)
    assert (client.post(delete).status_code, AgendaAttachment.objects.count()) == (302, 0)


def test_meeting_page_queries_do_not_grow_with_documents(client):
    def page_queries(n):
        a = make_assembly(2, slug=f"docs{n}")
        items = [services.add_item(meeting=a.meeting, kind="report", title=f"Item {i}", actor=a.staff)
                 for i in range(n)]
        for i in range(n):
            _add(a, title=f"Doc {i}", item=items[i], visibility="members" if i % 2 else "public")
            _add(a, title=f"Meeting doc {i}")
        _open(a)
        client.force_login(a.delegates[0])
        url = reverse("assembly:meeting", args=[a.meeting.slug])
        client.get(url)
        queries, r = count_queries(client.get, url)
        assert (r.status_code, len(r.context["meeting_docs"])) == (200, n)
        return queries

    assert page_queries(2) == page_queries(6)


def test_staff_meeting_page_queries_do_not_grow_with_documents(client):
    def page_queries(n):
        a = make_assembly(2, slug=f"staffdocs{n}")
        items = [services.add_item(meeting=a.meeting, kind="report", title=f"Item {i}", actor=a.staff)
                 for i in range(n)]
        for i in range(n):
            _add(a, title=f"Doc {i}", item=items[i])
        client.force_login(a.staff)
        url = reverse("assembly:staff_meeting", args=[a.meeting.slug])
        client.get(url)
        queries, r = count_queries(client.get, url)
        assert (r.status_code, len(r.context["attachments"])) == (200, n)
        return queries

    assert page_queries(2) == page_queries(6)
