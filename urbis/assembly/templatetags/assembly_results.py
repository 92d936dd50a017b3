"""Template helpers for election results: candidate names, and the staff's second-round set-up form."""

from django import template

from ..permissions import can_manage_assembly
from ..services import name_list
from ..verifier.counting import needs_run_off as _needs_run_off

register = template.Library()


@register.filter
def candidate_names(indices, choices) -> str:
    """The names of candidates `indices` (as stored in a result) among `choices`, in that order."""
    return name_list([str(choices[i]) for i in indices or [] if 0 <= int(i) < len(choices)])


@register.filter
def candidate_rows(question: dict) -> list[tuple[str, int]]:
    """(name, weighted votes) of a result's question, most votes first (ties in ballot order)."""
    return sorted(zip(question["choices"], question["counts"], strict=True), key=lambda row: -row[1])


@register.filter
def needs_run_off(result) -> bool:
    return bool(result) and _needs_run_off(result)


@register.filter
def manages_assembly(user) -> bool:
    return can_manage_assembly(user)


@register.simple_tag
def run_off_setup_form(item):
    """The election set-up form of a prepared second round, pre-filled with its candidates; else None."""
    from ..forms import ElectionForm
    from ..selectors import run_off_questions_for

    if item.kind != "election" or item.status != "pending" or not run_off_questions_for(item):
        return None
    return ElectionForm(item=item)
