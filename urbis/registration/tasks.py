"""Background work: thin tasks that take ids and call services or send mail."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

KINDS = {"confirmation", "approval", "waitlisted", "offer", "reminder", "certificate", "session_seat"}


@task()
def send_registration_email(*, registration_id: int, kind: str, session_code: str = "") -> bool:
    """Send one of the registration e-mails, in the person's language."""
    from urbis.program.permissions import can_join_session
    from urbis.program.selectors import published_sessions

    from .models import Registration

    if kind not in KINDS:
        raise ValueError(kind)
    registration = (Registration.objects.select_related("edition", "user", "organisation")
                    .filter(pk=registration_id).first())
    if registration is None:
        return False
    base = getattr(settings, "URBIS_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    context = {"registration": registration, "edition": registration.edition, "base_url": base,
               "session_code": session_code, "sessions": []}
    if kind == "reminder" and registration.user is not None:
        context["sessions"] = [s for s in published_sessions(registration.edition)
                               if s.is_online and can_join_session(registration.user, s)]
    language = (registration.user.language if registration.user else "") or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = render_to_string(f"registration/emails/{kind}_subject.txt", context).strip()
        body = render_to_string(f"registration/emails/{kind}.txt", context)
    send_mail(subject, body, None, [registration.email])
    return True


@task()
def send_reminders(*, edition_id: int) -> int:
    """Remind every approved participant of the edition, with their join links."""
    from .enums import Status
    from .models import Registration

    ids = list(Registration.objects.filter(edition_id=edition_id, status=Status.APPROVED).values_list("pk", flat=True))
    for registration_id in ids:
        send_registration_email.call(registration_id=registration_id, kind="reminder")
    return len(ids)


@task()
def expire_seat_offers(*, edition_id: int) -> int:
    from urbis.program.models import Edition

    from .services import expire_offers

    return expire_offers(edition=Edition.objects.get(pk=edition_id))
