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
