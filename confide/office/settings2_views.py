"""The office's settings for reminders, messages, staff accounts and the website's words.

Reminders and messages are for the owner and the practice manager; staff accounts and the
website for the owner. Writes are services: reminder settings re-plan the reminders not yet
sent (confide/notifications/services.py), staff changes are audited (confide/accounts), and
the website's rows save through their models, which renew the public pages' stamp (decision 14).
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.mail import mailers
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from confide.accounts.access import OWNER_ONLY, office_view, reauthentication_required
from confide.accounts.models import StaffProfile
from confide.accounts.services import (
    StaffAdminError,
    staff_deactivate,
    staff_invite,
    staff_password_reset_send,
    staff_reactivate,
    staff_role_change,
)
from confide.accounts.sessions import has_second_factor
from confide.notifications.models import OutboxMessage, Reminder
from confide.notifications.outbox import OutboxBackend
from confide.notifications.reminders import reminders_retry
from confide.notifications.services import reminder_settings_save
from confide.office.forms_settings2 import (
    ArticleForm,
    FaqItemForm,
    PageForm,
    ReminderSettingsForm,
    StaffInviteForm,
    StaffRoleForm,
)
from confide.office.paging import page_of
from confide.practice.events import field_labels, settings_changed_send
from confide.practice.models import Article, Clinician, FaqItem, Modality, Page, Practice
from confide.scheduling.selectors import zone_label

Role = StaffProfile.Role
RUNS_THE_PRACTICE = frozenset({Role.OWNER, Role.PRACTICE_MANAGER})


def _practice_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(Practice.load().time_zone)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


# Reminders and quiet hours -----------------------------------------------------------------


@office_view(roles=RUNS_THE_PRACTICE)
@require_http_methods(["GET", "HEAD", "POST"])
def reminders(request: HttpRequest) -> HttpResponse:
    practice = Practice.load()
    form = ReminderSettingsForm(request.POST or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        changed = reminder_settings_save(
            practice=form.save(commit=False),
            changed=form.changed_data,
            actor=request.user,
            request=request,
        )
        if changed:
            messages.success(
                request,
                f"Saved. {_plural(changed, 'reminder', 'reminders')} not yet sent now "
                f"follow{'s' if changed == 1 else ''} the new times.",
            )
        else:
            messages.success(request, "Saved. No reminder waiting to be sent needed to change.")
        return redirect("office:settings_reminders")
    waiting = Reminder.objects.filter(
        kind=Reminder.Kind.APPOINTMENT, status=Reminder.Status.PENDING
    ).count()
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "waiting": waiting, "nav": "settings"}
    return render(request, "office/settings/reminders.html", context, status=status)


# Messages: what failed, and the demo outbox -------------------------------------------------

# A link to choose a password works for whoever holds it: nobody reads it in the outbox.
_PASSWORD_LINK = re.compile(r"https?://\S*/password/reset/key/\S+")
LINK_HIDDEN = "[link hidden here: it is only for the person it was sent to]"


def outbox_text(message: OutboxMessage) -> str:
    """Return the message's plain text as the office shows it, password links hidden."""
    return _PASSWORD_LINK.sub(LINK_HIDDEN, message.text)


@office_view(roles=RUNS_THE_PRACTICE)
@require_http_methods(["GET", "HEAD"])
def messages_page(request: HttpRequest) -> HttpResponse:
    failed = (
        Reminder.objects.filter(status=Reminder.Status.FAILED)
        .select_related("appointment", "clinician")
        .order_by("-updated_at", "-pk")
    )
    paged_failed = page_of(request, failed, parameter="failed", per_page=50, fragment="failed")
    outbox = OutboxMessage.objects.only("pk", "kind", "created_at", "to", "subject")
    paged_outbox = page_of(request, outbox, parameter="outbox", per_page=50, fragment="outbox")
    context = {
        "failed": paged_failed.items,
        "paged_failed": paged_failed,
        "outbox": paged_outbox.items,
        "paged_outbox": paged_outbox,
        "outbox_in_use": isinstance(mailers.default, OutboxBackend),
        "zone": _practice_zone(),
        "zone_label": zone_label(_practice_zone()),
        "nav": "settings",
    }
    return render(request, "office/settings/messages.html", context)


@office_view(roles=RUNS_THE_PRACTICE)
@require_POST
def message_retry(request: HttpRequest) -> HttpResponse:
    chosen = Reminder.objects.filter(status=Reminder.Status.FAILED)
    if request.POST.get("reminder") != "all":
        chosen = chosen.filter(pk__in=[v for v in request.POST.getlist("reminder") if v.isdigit()])
    count = reminders_retry(reminders=chosen, now=timezone.now())
    if count:
        messages.success(
            request,
            f"{_plural(count, 'message', 'messages')} will be tried again within a minute.",
        )
    else:
        messages.info(request, "Nothing to try again: it may have been tried already.")
    return redirect("office:settings_messages")


@office_view(roles=RUNS_THE_PRACTICE)
@require_http_methods(["GET", "HEAD"])
def outbox_message(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(OutboxMessage, pk=pk)
    context = {
        "message": message,
        "text": outbox_text(message),
        "zone": _practice_zone(),
        "zone_label": zone_label(_practice_zone()),
        "nav": "settings",
    }
    return render(request, "office/settings/messages_outbox_detail.html", context)


# Staff -------------------------------------------------------------------------------------


def _staff_rows() -> list[dict[str, Any]]:
    users = (
        User.objects.filter(staff_profile__isnull=False)
        .select_related("staff_profile__clinician")
        .order_by("-is_active", "first_name", "username")
    )
    return [{"user": user, "second_factor": has_second_factor(user)} for user in users]


def _staff_problem(request: HttpRequest, error: StaffAdminError) -> None:
    messages.error(request, str(error))


@office_view(roles=OWNER_ONLY)
@require_http_methods(["GET", "HEAD", "POST"])
def staff(request: HttpRequest) -> HttpResponse:
    form = StaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = staff_invite(
                request=request,
                actor=request.user,
                username=data["username"],
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                role=Role(data["role"]),
                clinician=data["clinician"],
            )
        except StaffAdminError as error:
            _staff_problem(request, error)
        else:
            messages.success(
                request,
                f"Invitation sent to {user.email}: a link to choose a password. "
                "They set up a second factor when they first sign in.",
            )
        return redirect("office:settings_staff")
    status = 400 if form.is_bound and form.errors else 200
    context = {
        "form": form,
        "rows": _staff_rows(),
        "nav": "settings",
        "zone_label": zone_label(_practice_zone()),
    }
    return render(request, "office/settings/staff.html", context, status=status)


def _staff_member(pk: int) -> User:
    return get_object_or_404(User.objects.select_related("staff_profile"), pk=pk)


@office_view(roles=OWNER_ONLY)
@require_http_methods(["GET", "HEAD", "POST"])
def staff_member(request: HttpRequest, pk: int) -> HttpResponse:
    member = _staff_member(pk)
    profile = getattr(member, "staff_profile", None)
    initial = {"role": profile.role, "clinician": profile.clinician} if profile else {}
    form = StaffRoleForm(request.POST or None, user=member, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            staff_role_change(
                request=request,
                actor=request.user,
                user=member,
                role=Role(form.cleaned_data["role"]),
                clinician=form.cleaned_data["clinician"],
            )
        except StaffAdminError as error:
            _staff_problem(request, error)
            return redirect("office:settings_staff_member", pk=member.pk)
        messages.success(request, f"{member.get_full_name() or member.username}'s role is saved.")
        return redirect("office:settings_staff")
    status = 400 if form.is_bound and form.errors else 200
    context = {
        "member": member,
        "form": form,
        "second_factor": has_second_factor(member),
        "is_self": member.pk == request.user.pk,
        "nav": "settings",
    }
    return render(request, "office/settings/staff_member.html", context, status=status)


@office_view(roles=OWNER_ONLY)
@reauthentication_required
@require_POST
def staff_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Deactivate, reactivate, or email a new link: asks for the owner's password again."""
    member = _staff_member(pk)
    name = member.get_full_name() or member.username
    try:
        if action == "deactivate":
            ended = staff_deactivate(request=request, actor=request.user, user=member)
            messages.success(
                request,
                f"{name} can no longer sign in; "
                f"{_plural(ended, 'session was', 'sessions were')} ended.",
            )
        elif action == "reactivate":
            staff_reactivate(request=request, actor=request.user, user=member)
            messages.success(request, f"{name} can sign in again.")
        elif action == "link":
            staff_password_reset_send(request=request, actor=request.user, user=member)
            messages.success(request, f"A link to choose a new password was emailed to {name}.")
        else:
            return redirect("office:settings_staff")
    except StaffAdminError as error:
        _staff_problem(request, error)
    return redirect("office:settings_staff")


# The website -------------------------------------------------------------------------------

WEBSITE_ROLES = OWNER_ONLY


def _website_announce(
    request: HttpRequest, item: Page | FaqItem | Article, *, action: str, summary: str
) -> None:
    """Put a change of the public website in the audit log, like every other setting."""
    kind = {Page: "page", FaqItem: "question", Article: "article"}[type(item)]
    target = f"page:{item.kind}" if isinstance(item, Page) else f"{kind}:{item.pk}"
    settings_changed_send(
        actor=request.user,
        request=request,
        action=action,
        target_type=f"website {kind}",
        target=target,
        summary=summary,
    )


def _website_context(**extra: Any) -> dict[str, Any]:
    return {"nav": "settings", **extra}


@office_view(roles=WEBSITE_ROLES)
@require_http_methods(["GET", "HEAD"])
def website(request: HttpRequest) -> HttpResponse:
    written = {page.kind: page for page in Page.objects.all()}
    pages = [
        {"kind": kind, "label": label, "page": written.get(kind)}
        for kind, label in Page.Kind.choices
    ]
    context = _website_context(
        pages=pages,
        questions=FaqItem.objects.all(),
        articles=Article.objects.order_by("-updated_at", "-pk").select_related("author"),
        zone=_practice_zone(),
        now=timezone.now(),
    )
    return render(request, "office/settings/website.html", context)


def _preview(
    request: HttpRequest, *, template: str, context: dict[str, Any], form: Any
) -> HttpResponse:
    """Render the public page's own template with the unsaved text, and a bar to go back.

    Nothing is saved; the page goes to this browser alone and is never kept (the office's
    responses are marked no-store, and this one is never the public pages' kept copy).
    """
    return render(
        request, template, {**context, "office_preview": {"form": form, "action": request.path}}
    )


def _edit(
    request: HttpRequest,
    *,
    form: Any,
    title: str,
    back_to: str,
    preview: Callable[[Any], HttpResponse],
    saved: str,
    template_context: dict[str, Any] | None = None,
) -> HttpResponse:
    """Save, preview or show a website form; ``preview(instance)`` renders the public page."""
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            instance = form.save(commit=False)
            for name in instance.markdown_fields:
                instance.markdown_rendered(name)
            return preview(instance)
        if "save" in request.POST:
            is_new = form.instance.pk is None
            with transaction.atomic():
                instance = form.save()
                _website_announce(
                    request,
                    instance,
                    action="create" if is_new else "change",
                    summary=f"Changed: {field_labels(type(instance), form.changed_data)}"
                    if not is_new
                    else "Added",
                )
            messages.success(request, saved)
            return redirect(back_to)
    status = 400 if form.is_bound and form.errors else 200
    context = _website_context(form=form, title=title, **(template_context or {}))
    return render(request, "office/settings/website_form.html", context, status=status)


def _page_preview(page: Page) -> tuple[str, dict[str, Any]]:
    """Return the public template of a fixed page and what it shows beside the page's text."""
    context: dict[str, Any] = {
        "page": page,
        "clinicians": list(Clinician.objects.filter(listed=True).prefetch_related("modalities")),
    }
    if page.kind == Page.Kind.FAQ:
        context["faq_items"] = list(FaqItem.objects.all())
    if page.kind == Page.Kind.HOME:
        context["articles"] = Article.objects.published()[:3]
        context["modalities"] = Modality.objects.filter(published=True)
        return "practice/home.html", context
    return f"practice/page_{page.kind.replace('-', '_')}.html", context


@office_view(roles=WEBSITE_ROLES)
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def website_page(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in Page.Kind.values:
        return redirect("office:settings_website")
    page = Page.objects.filter(kind=kind).first() or Page(kind=kind, title=Page.Kind(kind).label)
    form = PageForm(request.POST or None, instance=page)

    def preview(instance: Page) -> HttpResponse:
        template, context = _page_preview(instance)
        return _preview(request, template=template, context=context, form=form)

    return _edit(
        request,
        form=form,
        title=f"Page: {Page.Kind(kind).label}",
        back_to="office:settings_website",
        preview=preview,
        saved=f"The page \u201c{Page.Kind(kind).label}\u201d is saved and shown on the site.",
        template_context={"public_url": page.get_absolute_url()},
    )


def _question_preview(request: HttpRequest, item: FaqItem, form: Any) -> HttpResponse:
    items = [i for i in FaqItem.objects.all() if i.pk != item.pk]
    if item.pk is None:
        item.pk = 0  # Never saved: the preview only names its heading with it.
    items = sorted([*items, item], key=lambda i: (i.order, i.pk or 0))
    page = Page.objects.filter(kind=Page.Kind.FAQ).first() or Page(
        kind=Page.Kind.FAQ, title=Page.Kind.FAQ.label
    )
    return _preview(
        request,
        template="practice/page_faq.html",
        context={"page": page, "faq_items": items},
        form=form,
    )


@office_view(roles=WEBSITE_ROLES)
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def website_question(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    item = get_object_or_404(FaqItem, pk=pk) if pk is not None else FaqItem()
    form = FaqItemForm(request.POST or None, instance=item)
    return _edit(
        request,
        form=form,
        title="Edit a question" if pk else "Add a question",
        back_to="office:settings_website",
        preview=lambda instance: _question_preview(request, instance, form),
        saved="The question is saved and shown on the site.",
        template_context={"question": item if pk else None},
    )


def _article_preview(request: HttpRequest, article: Article, form: Any) -> HttpResponse:
    if article.published_at is None:
        article.published_at = timezone.now()
    if article.pk is None:
        # Never saved: with a key its tags read as none instead of refusing to be read.
        article.pk = 0
    return _preview(
        request,
        template="practice/article_detail.html",
        context={"article": article},
        form=form,
    )


@office_view(roles=WEBSITE_ROLES)
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def website_article(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk) if pk is not None else Article()
    form = ArticleForm(request.POST or None, instance=article)
    published = article.pk is not None and article.status == Article.Status.PUBLISHED
    return _edit(
        request,
        form=form,
        title="Edit an article" if pk else "Write an article",
        back_to="office:settings_website",
        preview=lambda instance: _article_preview(request, instance, form),
        saved=(
            "The article is saved and shown on the site."
            if published
            else "The article is saved as a draft: publish it from the list when it is ready."
        ),
        template_context={"article": article if pk else None},
    )


@office_view(roles=WEBSITE_ROLES)
@require_POST
def website_article_publish(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    if request.POST.get("publish") == "yes":
        article.status = Article.Status.PUBLISHED
        if article.published_at is not None and article.published_at > timezone.now():
            article.published_at = None  # Published now, not at a time set earlier.
        messages.success(request, f"\u201c{article.title}\u201d is published.")
    else:
        article.status = Article.Status.DRAFT
        messages.success(request, f"\u201c{article.title}\u201d is no longer on the site.")
    # A full save: the model fills the publication time, and its signal renews the stamp.
    with transaction.atomic():
        article.save()
        _website_announce(
            request,
            article,
            action="change",
            summary="Published" if article.status == Article.Status.PUBLISHED else "Unpublished",
        )
    return redirect("office:settings_website")


@office_view(roles=WEBSITE_ROLES)
@require_POST
def website_question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(FaqItem, pk=pk)
    with transaction.atomic():
        _website_announce(request, item, action="delete", summary="Removed")
        item.delete()
    messages.success(request, f"The question \u201c{item.question}\u201d is removed from the site.")
    return redirect("office:settings_website")
