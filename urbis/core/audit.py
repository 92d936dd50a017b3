from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .models import AuditEntry


def log_action(obj: models.Model | None, action: str, *, actor: Any = None, data: dict | None = None) -> AuditEntry:
    """Write one audit entry (who, what, when). Call it inside the service's transaction."""
    import json

    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    payload = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        data=payload,
    )


ERASED = "[erased]"


def _scrubbed(value: Any, terms: list[str]) -> Any:
    if isinstance(value, str):
        lowered = value.lower()
        return ERASED if any(term in lowered for term in terms) else value
    if isinstance(value, list):
        return [_scrubbed(item, terms) for item in value]
    if isinstance(value, dict):
        return {key: _scrubbed(item, terms) for key, item in value.items()}
    return value


def scrub_entries(*, object_type: str, object_id: str, label: str, terms: list[str]) -> int:
    """Erase a person's data from the audit log: the entries about the object get `label` as their label,
    and every string in any entry's label or data that contains one of `terms` (names, e-mail) becomes
    "[erased]". Returns the number of entries changed. Call it inside the erasing service's transaction."""
    import json
    import re

    from django.db.models import Q, TextField
    from django.db.models.functions import Cast

    terms = sorted({term.strip().lower() for term in terms if term and len(term.strip()) >= 3})
    about = Q(object_type=object_type, object_id=object_id)
    mentions = Q()
    for term in terms:  # SQLite keeps JSON with \u escapes: search both spellings
        mentions |= (Q(object_repr__icontains=term) | Q(data_text__icontains=term)
                     | Q(data_text__icontains=json.dumps(term)[1:-1]))
    entries = AuditEntry.objects.annotate(data_text=Cast("data", TextField())).filter(about | mentions) \
        if terms else AuditEntry.objects.filter(about)
    changed = 0
    for entry in entries.select_for_update():
        is_about = entry.object_type == object_type and entry.object_id == object_id
        repr_ = label if is_about else entry.object_repr
        for term in terms:  # a label naming the person elsewhere keeps its shape, without the name
            repr_ = re.sub(re.escape(term), ERASED, repr_, flags=re.IGNORECASE)
        data = _scrubbed(entry.data, terms)
        if (repr_, data) != (entry.object_repr, entry.data):
            entry.object_repr, entry.data = repr_[:200], data
            entry.save(update_fields=["object_repr", "data"])
            changed += 1
    return changed
