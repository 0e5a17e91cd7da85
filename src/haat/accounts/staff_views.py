"""Dashboard pages for staff: list, invite, edit (name and role), deactivate and
reactivate, resend the invitation, and the read-only roles & permissions matrix."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from haat.accounts import selectors, services
from haat.accounts.forms import StaffCreateForm, StaffEditForm
from haat.accounts.models import StaffEmail
from haat.accounts.roles import PERMISSIONS, ROLE_SUMMARIES, Perm, Role
from haat.core.errors import DomainError
from haat.core.forms import attach_domain_error
from haat.dashboard.access import get_or_404, require_perm

PAGE_SIZE = 50


def _origin(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@require_perm(Perm.STAFF_MANAGE)
def staff_list(request: HttpRequest) -> HttpResponse:
    filters = {
        "q": request.GET.get("q", "").strip(),
        "role": request.GET.get("role", "") if request.GET.get("role") in Role.values else "",
        "status": request.GET.get("status", ""),
    }
    page = Paginator(selectors.staff_list(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/staff_list.html",
        {"page": page, "filters": filters, "roles": Role.choices},
    )


@require_perm(Perm.STAFF_MANAGE)
def staff_create(request: HttpRequest) -> HttpResponse:
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_staff(
                **form.cleaned_data, invited_by=request.user, origin=_origin(request)
            )
        except DomainError as exc:
            attach_domain_error(form, exc)
        else:
            # The invitation went out when the account was saved; its record says how.
            sent = selectors.latest_staff_email(to=user.email, kind=StaffEmail.Kind.INVITATION)
            _tell_invitation_outcome(request, user.email, sent, added=True)
            return redirect("accounts:staff_list")
    return render(request, "accounts/staff_form.html", {"form": form, "member": None})


@require_perm(Perm.STAFF_MANAGE)
def staff_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    member = get_or_404(selectors.get_staff, user_id)
    initial = {"full_name": member.full_name, "role": member.role}
    form = StaffEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_staff(user=member, actor_role=request.user.role, **form.cleaned_data)
        except DomainError as exc:
            attach_domain_error(form, exc)
        else:
            messages.success(request, f"Saved {member.email}.")
            return redirect("accounts:staff_list")
    invitation = None
    if not member.has_usable_password():
        invitation = selectors.latest_staff_email(to=member.email, kind=StaffEmail.Kind.INVITATION)
    return render(
        request,
        "accounts/staff_form.html",
        {"form": form, "member": member, "invitation": invitation},
    )


@require_perm(Perm.STAFF_MANAGE)
def staff_deactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    """GET asks for confirmation; POST deactivates."""
    member = get_or_404(selectors.get_staff, user_id)
    if request.method == "POST":
        try:
            services.deactivate_staff(user=member, actor_role=request.user.role)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("accounts:staff_edit", user_id=member.pk)
        messages.success(request, f"{member.email} can no longer sign in.")
        return redirect("accounts:staff_list")
    return render(request, "accounts/staff_deactivate.html", {"member": member})


@require_POST
@require_perm(Perm.STAFF_MANAGE)
def staff_reactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    try:
        member = selectors.get_staff(user_id)
        services.reactivate_staff(user=member, actor_role=request.user.role)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{member.email} can sign in again.")
    return redirect("accounts:staff_list")


@require_POST
@require_perm(Perm.STAFF_MANAGE)
def staff_resend_invite(request: HttpRequest, user_id: int) -> HttpResponse:
    try:
        member = selectors.get_staff(user_id)
        sent = services.resend_invitation(
            user=member, invited_by=request.user, origin=_origin(request)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:staff_list")
    _tell_invitation_outcome(request, member.email, sent, added=False)
    return redirect("accounts:staff_edit", user_id=member.pk)


def _tell_invitation_outcome(
    request: HttpRequest, email: str, sent: StaffEmail | None, *, added: bool
) -> None:
    """Say what happened to the invitation, never "we e-mailed them" when nothing left."""
    lead = f"{email} was added. " if added else ""
    if sent is not None and sent.failed:
        messages.error(
            request,
            f"{lead}The invitation e-mail could not be sent: {sent.error}. "
            "Fix the e-mail settings, then use “Resend invitation” on their page; "
            "they can also use “Forgot password?” on the sign-in page.",
        )
    elif sent is not None and sent.status == StaffEmail.Status.KEPT_LOCALLY:
        messages.warning(
            request,
            f"{lead}E-mail is not set up on this server, so the invitation was not sent: "
            f"it was {sent.delivery}. See Settings → E-mail log.",
        )
    else:
        messages.success(request, f"{lead}We e-mailed {email} a link to set a password.")


@require_perm(Perm.STAFF_MANAGE)
def roles(request: HttpRequest) -> HttpResponse:
    """Which role may do what, read straight from `roles.PERMISSIONS`."""
    columns = [
        {"value": role.value, "label": role.label, "summary": ROLE_SUMMARIES.get(role, "")}
        for role in Role
    ]
    rows = [
        {
            "perm": perm.value,
            "label": perm.label,
            "cells": [perm in PERMISSIONS.get(role, frozenset()) for role in Role],
        }
        for perm in Perm
    ]
    return render(request, "accounts/roles.html", {"columns": columns, "rows": rows})
