from django.shortcuts import render
from django.views.decorators.http import require_GET

from .selectors import current_edition


@require_GET
def home(request):
    return render(request, "program/home.html", {"edition": current_edition()})
