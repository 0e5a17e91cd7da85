from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from haat.dashboard.search import MIN_LENGTH, clean_query, search_for
from haat.dashboard.selectors import widgets_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    shown = widgets_for(request.user)
    return render(
        request,
        "dashboard/home.html",
        {
            "cards": [s for s in shown if s.widget.slot == "cards"],
            "panels": [s for s in shown if s.widget.slot == "panels"],
            "figures": {s.widget.name: s.figures for s in shown},
        },
    )


@require_GET
@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Results of the shell's search box, grouped by kind (orders, customers, products)."""
    q = clean_query(request.GET.get("q"))
    groups = search_for(request.user, q)
    context = {"q": q, "groups": groups, "too_short": 0 < len(q) < MIN_LENGTH}
    return render(request, "dashboard/search.html", context)
