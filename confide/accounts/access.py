"""Who may open which office page: roles, the second factor, and a fresh password.

The contract for every view under /office/ (the sign-in pages at /office/account/ and the Django
admin at /office/admin/ have guards of their own):

1. Decorate it with ``office_view``; ``roles`` says which staff roles may open it::

       from confide.accounts.access import (
           CLINICAL_ROLES, clinical_access, office_view, reauthentication_required, scoped,
       )

       @office_view()                          # every staff role (OFFICE_ROLES)
       def calendar(request): ...

       @office_view(roles=CLINICAL_ROLES)      # owner and clinicians, never a practice manager
       def note_detail(request, pk): ...

       @office_view(roles=CLINICAL_ROLES)
       @reauthentication_required              # password typed within the last 5 minutes
       def psychotherapy_note(request, pk): ...

   ``office_view`` answers, in this order: anonymous, to the sign-in page (``?next=`` keeps the
   address); signed in without the second factor done, to the second-factor setup (or to sign in
   again); no staff role, or a role not in ``roles``, a 403 page with a calm message; otherwise the
   view runs, with ``request.staff_role`` set. The access tests in
   confide/office/tests/test_access.py find every office URL and check it against its roles.

2. Within a view, list with the model's ``objects.visible_to(user)`` and fetch one object with
   its app's access helper (``client_for``, ``note_for``, ``document_for``, ``request_for`` in
   confide/clients/access.py, ``appointment_for`` in confide/scheduling/access.py): a clinician
   sees only their own clients, the owner and the practice manager the whole practice (the
   manager only what their roles allow). Something out of scope answers 404, never 403, so that
   its existence is not confirmed. ``visible_to`` is built on ``visible`` below (decision 13).

3. Show clinical content (notes, measures, clinical fields) only when ``clinical_access(user)``;
   a practice manager never has it, whatever page they are on.

4. Put ``reauthentication_required`` (below ``office_view``) on psychotherapy notes, exports and
   security settings. It asks for the password again unless it was typed within
   ACCOUNT_REAUTHENTICATION_TIMEOUT (5 minutes); a POST is kept sealed across the prompt and
   replayed after it (confide/accounts/suspended.py), never stored in the session in clear.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.core.exceptions import ReauthenticationRequired
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render, resolve_url
from django.utils.http import urlencode

from confide.accounts.models import StaffProfile
from confide.accounts.sessions import (
    AnyUser,
    has_second_factor,
    password_recently_proven,
    second_factor_done,
    second_factor_satisfied,
)
from confide.accounts.suspended import (
    RESUME_PARAMETER,
    SUSPENDED_POST_KEY,
    is_background_save,
    post_resume,
    post_suspend,
    request_as_post,
)

if TYPE_CHECKING:
    from confide.practice.models import Clinician

Role = StaffProfile.Role
ALL_ROLES: frozenset[Role] = frozenset(Role)
# Every staff role: the default of office_view, for pages without clinical content.
OFFICE_ROLES = ALL_ROLES
CLINICAL_ROLES: frozenset[Role] = frozenset({Role.OWNER, Role.CLINICIAN})
OWNER_ONLY: frozenset[Role] = frozenset({Role.OWNER})

View = Callable[..., HttpResponse]


def role_of(user: AnyUser) -> Role | None:
    """Return the user's staff role, or None for someone who is not staff.

    A superuser without a staff profile (one made with `createsuperuser`) counts as an owner, so
    a fresh install can be signed in to.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    try:
        profile = user.staff_profile  # type: ignore[attr-defined]
    except StaffProfile.DoesNotExist:
        return Role.OWNER if getattr(user, "is_superuser", False) else None
    return Role(profile.role)


def is_staff_member(user: AnyUser) -> bool:
    """Return True for anyone who must sign in with a second factor: staff of any kind."""
    if not user.is_authenticated:
        return False
    return role_of(user) is not None or bool(getattr(user, "is_staff", False))


def clinical_access(user: AnyUser) -> bool:
    """Return True when the user may see clinical content: the owner and clinicians."""
    return role_of(user) in CLINICAL_ROLES


def clinician_scope(user: AnyUser) -> Clinician | None:
    """Return the clinician whose clients the user may see, or None for the whole practice.

    Raises PermissionDenied for someone without a staff role, so that a forgotten
    ``office_view`` fails closed instead of showing everything.
    """
    role = role_of(user)
    if role is None:
        raise PermissionDenied
    if role == Role.CLINICIAN:
        clinician: Clinician = user.staff_profile.clinician  # type: ignore[union-attr]
        return clinician
    return None


def scoped[M: Model](
    queryset: QuerySet[M], user: AnyUser, *, field: str = "clinician"
) -> QuerySet[M]:
    """Narrow ``queryset`` to what the user may see; ``field`` leads to the Clinician."""
    clinician = clinician_scope(user)
    if clinician is None:
        return queryset
    return queryset.filter(**{field: clinician})


def visible[QS: QuerySet[Any]](
    queryset: QS, user: AnyUser, *, field: str = "clinician", clinical: bool = False
) -> QS:
    """Narrow ``queryset`` to the user's scope, or to nothing for someone outside every scope.

    ``field`` leads to the Clinician. With ``clinical``, a role without clinical access (the
    practice manager) sees nothing either. Unlike ``scoped`` this never raises: model querysets'
    ``visible_to`` call it from services and the admin as well as from office views.
    """
    role = role_of(user)
    if role is None or (clinical and role not in CLINICAL_ROLES):
        return queryset.none()
    clinician = clinician_scope(user)
    return queryset if clinician is None else queryset.filter(**{field: clinician})


def second_factor_setup_url() -> str:
    return resolve_url("mfa_index")


def forbidden(request: HttpRequest) -> HttpResponse:
    """Render the calm 403 page the office shows to someone whose role does not fit."""
    return render(request, "account/forbidden.html", status=403)


def office_view(*, roles: Iterable[Role | str] = ALL_ROLES) -> Callable[[View], View]:
    """Let only signed-in staff with a second factor and one of ``roles`` open the view."""
    allowed = frozenset(Role(role) for role in roles)
    if not allowed:
        raise ValueError("office_view needs at least one role")

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
            if is_staff_member(user) and not second_factor_satisfied(request):
                if has_second_factor(user) and not second_factor_done(request):
                    return redirect_to_login(
                        request.get_full_path(), resolve_url(settings.LOGIN_URL)
                    )
                return redirect_to_login(request.get_full_path(), second_factor_setup_url())
            role = role_of(user)
            if role is None or role not in allowed:
                return forbidden(request)
            request.staff_role = role  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        # Read by the access tests: which roles this view admits.
        wrapper.office_roles = allowed  # type: ignore[attr-defined]
        return wrapper

    return decorator


def reauthentication_required(view: View) -> View:
    """Ask for the password again unless it was typed within the last few minutes.

    A form sent after the window closed is kept sealed across the prompt and replayed once
    after it (see confide.accounts.suspended); allauth never holds a posted text.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        fresh = password_recently_proven(request)
        if not fresh and is_background_save(request):
            # The page saves drafts on its own; the person confirms the password when they
            # press Save themselves.
            return JsonResponse(
                {"error": "Not saved automatically: save the draft to confirm your password."},
                status=403,
            )
        if request.method == "POST" and not fresh:
            return _prompt_keeping_post(request)
        if not fresh:
            # allauth's AccountMiddleware turns this into the password prompt and comes back
            # here after it; for a GET it keeps only the address.
            raise ReauthenticationRequired
        nonce = request.GET.get(RESUME_PARAMETER, "") if request.method == "GET" else ""
        if nonce and SUSPENDED_POST_KEY in request.session:
            data = post_resume(request, nonce)
            if data is not None:
                request = request_as_post(request, data)
            else:
                messages.warning(
                    request,
                    "What you sent before confirming your password could not be kept. "
                    "Please enter it again.",
                )
        return view(request, *args, **kwargs)

    wrapper.reauthentication_required = True  # type: ignore[attr-defined]
    return wrapper


def _prompt_keeping_post(request: HttpRequest) -> HttpResponse:
    """Send the person to the password prompt, keeping what they sent sealed for afterwards."""
    nonce = post_suspend(request)
    # The page's own query (a note's kind and template, say) comes back with the nonce.
    query = request.GET.copy()
    query.pop(RESUME_PARAMETER, None)
    if nonce is not None:
        query[RESUME_PARAMETER] = nonce
    back = f"{request.path}?{query.urlencode()}" if query else request.path
    if nonce is not None:
        messages.info(request, "Confirm your password to finish. What you sent is kept until then.")
    else:
        messages.warning(request, "Confirm your password, then send the form again.")
    prompt = get_account_adapter().get_reauthentication_methods(request.user)[0]["url"]
    return HttpResponseRedirect(f"{prompt}?{urlencode({REDIRECT_FIELD_NAME: back})}")
