from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
