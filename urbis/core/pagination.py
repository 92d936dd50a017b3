from django.core.paginator import Paginator


def paginate(request, queryset, per_page: int = 50):
    """The page of a list that the request asks for; an out-of-range or malformed page gives the
    nearest valid one rather than an error."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
