"""A member government's delegate, on the meeting page before it opens: gives the member's proxy to another
member, changes it, revokes it; the holder's delegate sees the proxy it holds; staff see the documents."""

import pytest

from tests.browser.conftest import login
from tests.factories import EditionFactory, OrganisationFactory, StaffFactory, UserFactory
from urbis.assembly import services
from urbis.assembly.models import Proxy
from urbis.core.models import AuditEntry

PASSWORD = "correct horse battery"


def _as(page, user):
    page.context.clear_cookies()
    login(page, user.email, PASSWORD)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_delegate_appoints_changes_and_revokes_the_members_proxy_on_the_meeting_page(page):
    staff = StaffFactory()
    meeting = services.create_meeting(edition=EditionFactory(), kind="general_assembly", title="General Assembly 2021",
                                      slug="ga-2021", proxy_cap=2, actor=staff)
    members = [OrganisationFactory(name=n) for n in ("Barcelona", "Dakar", "Guangzhou")]
    delegates = [UserFactory(display_name=n) for n in ("Ada Barcelona", "Diop Dakar", "Gao Guangzhou")]
    for m, d in zip(members, delegates, strict=True):
        services.set_seat(meeting=meeting, member=m, delegate=d, actor=staff)
    barcelona, dakar, guangzhou = members

    _as(page, delegates[0])
    page.goto("/assembly/ga-2021/")
    seat = page.locator(".own-seat")
    assert seat.locator("h2").inner_text() == "Your member: Barcelona"
    assert seat.locator(".proxy-given").inner_text() == (
        "Barcelona has not given its proxy: it is represented only by its own delegate.")
    seat.locator("select[name=holder]").select_option(label="Dakar")
    seat.get_by_role("button", name="Appoint").click()
    assert page.locator(".message").inner_text() == "Barcelona is now represented by Dakar."
    assert page.locator(".own-seat .proxy-given").inner_text() == (
        "Barcelona is represented by Dakar (its delegate Diop Dakar).")
    assert page.locator(".proxy-list li").all_inner_texts() == [
        "Barcelona is represented by Dakar (its delegate Diop Dakar)."]

    # the holder's delegate sees the proxy it holds and the cap
    _as(page, delegates[1])
    page.goto("/assembly/ga-2021/")
    assert page.locator(".own-seat .proxies-held").inner_text() == (
        "Dakar holds the proxy of one member (at most 2): Barcelona.")

    # Barcelona changes its mind: Guangzhou, then no proxy at all
    _as(page, delegates[0])
    page.goto("/assembly/ga-2021/")
    page.locator(".own-seat select[name=holder]").select_option(label="Guangzhou")
    page.locator(".own-seat").get_by_role("button", name="Appoint").click()
    assert page.locator(".own-seat .proxy-given").inner_text() == (
        "Barcelona is represented by Guangzhou (its delegate Gao Guangzhou).")
    assert list(Proxy.objects.values_list("grantor", "holder")) == [(barcelona.pk, guangzhou.pk)]
    page.locator(".own-seat").get_by_role("button", name="Revoke the proxy").click()
    assert page.locator(".message").inner_text() == "The proxy of Barcelona is revoked."
    assert (Proxy.objects.count(), page.locator(".proxy-list").count()) == (0, 0)

    assert [(e.action, e.actor_id) for e in AuditEntry.objects.filter(action__startswith="assembly.proxy.")
            .order_by("id")] == [("assembly.proxy.appointed", delegates[0].pk), ("assembly.proxy.appointed",
                                                                                delegates[0].pk),
                                 ("assembly.proxy.revoked", delegates[0].pk)]

    # once the meeting is open, the proxies are frozen and the page says so
    services.appoint_member_proxy(meeting=meeting, grantor=barcelona, holder=dakar, actor=delegates[0])
    services.open_meeting(meeting=meeting, actor=staff)
    page.goto("/assembly/ga-2021/")
    assert (page.locator(".own-seat form").count(), page.locator(".own-seat").get_by_text(
        "The meeting has opened: proxies are frozen.").count()) == (0, 1)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_attach_a_document_and_a_delegate_downloads_it(page, tmp_path):
    staff = StaffFactory()
    meeting = services.create_meeting(edition=EditionFactory(), kind="general_assembly", title="General Assembly 2021",
                                      slug="ga-docs", actor=staff)
    member, delegate = OrganisationFactory(name="Barcelona"), UserFactory()
    services.set_seat(meeting=meeting, member=member, delegate=delegate, actor=staff)
    services.add_item(meeting=meeting, kind="motion", title="Strategic action plan", actor=staff)
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")

    _as(page, staff)
    page.goto("/assembly/staff/ga-docs/")
    page.locator("summary", has_text="Attach a document").click()
    form = page.locator("#attachment-form")
    form.locator("input[name=title]").fill("Strategic Action Plan 2021–2023")
    form.locator("input[name=file]").set_input_files(str(pdf))
    form.locator("select[name=item]").select_option(label="Strategic action plan")
    form.locator("select[name=visibility]").select_option(value="members")
    form.get_by_role("button", name="Attach").click()
    assert page.locator(".message").inner_text() == "The document is attached."
    assert page.locator("#staff-attachments tbody tr td").first.inner_text().startswith(
        "Strategic Action Plan 2021–2023 (PDF,")

    _as(page, delegate)
    page.goto("/assembly/ga-docs/")
    link = page.locator("#item-" + str(meeting.items.get().pk) + " .documents a")
    assert link.inner_text() == "Strategic Action Plan 2021–2023"
    response = page.request.get(link.get_attribute("href"))
    assert (response.status, response.body()) == (200, b"%PDF-1.4\n%%EOF\n")
