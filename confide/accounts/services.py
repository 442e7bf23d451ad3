"""Staff roles and the owner's hand on staff accounts: reset links, second factors, deactivation."""

from __future__ import annotations

import uuid

from allauth.account import app_settings as account_settings
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.core.mail import mailers
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse

from confide.accounts.models import StaffProfile
from confide.accounts.sessions import sessions_end
from confide.keys.ring import keyring
from confide.practice.models import Clinician

PRACTICE_MANAGER_GROUP = "Practice managers"

# Everything a practice manager may do in the Django admin: the schedule, nothing clinical.
# An allow-list, so that a model added later (a clinical one above all) is refused until it is
# named here; confide/accounts/tests/test_roles.py keeps clinical apps out of it.
PRACTICE_MANAGER_PERMISSIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("scheduling", "appointmenttype"): ("view", "add", "change", "delete"),
    ("scheduling", "availabilityrule"): ("view", "add", "change", "delete"),
    ("scheduling", "appointment"): ("view", "change"),
    ("practice", "clinician"): ("view",),
}


class StaffRoleError(ValueError):
    """A role was given without what it needs (a clinician needs a Clinician)."""


def staff_groups_sync() -> Group:
    """Make the practice managers' group hold exactly the allow-listed permissions."""
    group, _ = Group.objects.get_or_create(name=PRACTICE_MANAGER_GROUP)
    wanted = []
    for (app_label, model), actions in PRACTICE_MANAGER_PERMISSIONS.items():
        codenames = [f"{action}_{model}" for action in actions]
        wanted += list(
            Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
    group.permissions.set(wanted)
    return group


def staff_role_assign(
    *, user: User, role: StaffProfile.Role, clinician: Clinician | None = None
) -> StaffProfile:
    """Give the user a staff role and the Django admin rights that go with it.

    The owner runs the practice (a superuser in the admin); a practice manager uses the admin
    for the schedule only; a clinician works in the office and not in the admin.
    """
    role = StaffProfile.Role(role)
    if role == StaffProfile.Role.CLINICIAN and clinician is None:
        raise StaffRoleError("A clinician's account must be linked to their clinician profile.")
    if role == StaffProfile.Role.PRACTICE_MANAGER and clinician is not None:
        raise StaffRoleError("A practice manager is not linked to a clinician.")
    with transaction.atomic():
        profile, _ = StaffProfile.objects.update_or_create(
            user=user, defaults={"role": role, "clinician": clinician}
        )
        user.is_staff = role in {StaffProfile.Role.OWNER, StaffProfile.Role.PRACTICE_MANAGER}
        user.is_superuser = role == StaffProfile.Role.OWNER
        user.save(update_fields=["is_staff", "is_superuser"])
        group = staff_groups_sync()
        if role == StaffProfile.Role.PRACTICE_MANAGER:
            user.groups.add(group)
        else:
            user.groups.remove(group)
    return profile


# Audit entries name a staff account by a uuid derived from its primary key: stable, and no
# column needs adding to Django's user table.
STAFF_UID_NAMESPACE = uuid.UUID("6f1c8f5e-2a43-5b7e-9d51-0c3b9a4e7d21")


class StaffAdminError(ValueError):
    """The owner asked for something that may not be done to this account."""


def staff_uid(user: AbstractBaseUser) -> uuid.UUID:
    """Return the uuid that names this account in the audit log."""
    return uuid.uuid5(STAFF_UID_NAMESPACE, f"user:{user.pk}")


def _owner_check(*, actor: AbstractBaseUser | AnonymousUser, user: User) -> None:
    is_owner = (
        actor.is_authenticated
        and actor.is_active
        and (
            StaffProfile.objects.filter(user_id=actor.pk, role=StaffProfile.Role.OWNER).exists()
            or (
                getattr(actor, "is_superuser", False)
                and not StaffProfile.objects.filter(user_id=actor.pk).exists()
            )
        )
    )
    if not is_owner:
        raise StaffAdminError("Only the practice owner manages staff accounts.")
    if actor.pk == user.pk:
        raise StaffAdminError("Change your own sign-in on your account pages, not here.")


def _audit(
    *,
    request: HttpRequest | None,
    actor: AbstractBaseUser | AnonymousUser,
    user: User,
    summary: str,
) -> None:
    from confide.audit.models import AuditEvent
    from confide.audit.services import audit_record

    audit_record(
        request=request,
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        target_type="staff",
        target_uid=staff_uid(user),
        client_uid=None,
        summary=summary,
    )


def _staff_notice_send(*, user: User, name: str, context: dict[str, object]) -> bool:
    """Send one of the staff templates to the account's address; return False if it failed."""
    from confide.emails import render_email, site_url

    message = render_email(
        name, {**context, "sign_in_url": site_url(reverse("account_login"))}, to=user.email
    )
    try:
        mailers.default.send_messages([message])
    except OSError:
        # SMTP errors are OSErrors; the caller tells the owner the message did not go.
        return False
    return True


def staff_password_reset_send(
    *, request: HttpRequest | None, actor: AbstractBaseUser | AnonymousUser, user: User
) -> None:
    """Email the staff member a link to choose a new password; the owner never sees it.

    The link is allauth's own reset link (one use, it stops working once the password changes);
    the second factor is still asked for at the next sign-in.
    """
    _owner_check(actor=actor, user=user)
    if not user.is_active:
        raise StaffAdminError(f"{user.get_username()} is deactivated; no link was sent.")
    if not user.email:
        raise StaffAdminError(f"{user.get_username()} has no email address; no link was sent.")
    from confide.emails import site_url

    token = account_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": token},
    )
    days = max(1, round(settings.PASSWORD_RESET_TIMEOUT / 86400))
    sent = _staff_notice_send(
        user=user,
        name="staff-reset-link",
        context={"reset_url": site_url(path), "days": days, "username": user.get_username()},
    )
    if not sent:
        raise StaffAdminError("The email could not be sent; no link went out. Try again later.")
    _audit(request=request, actor=actor, user=user, summary="Sent a link to choose a new password")


def staff_second_factor_remove(
    *, request: HttpRequest | None, actor: AbstractBaseUser | AnonymousUser, user: User
) -> bool:
    """Remove every authenticator of the staff member and email them; return whether they were told.

    Their sessions end (their security stamp changes); the next sign-in asks them to set up a
    second factor again before anything else. Raises StaffAdminError when they had none.
    """
    _owner_check(actor=actor, user=user)
    with transaction.atomic():
        # Not through allauth's signals: they restamp the session of whoever made the request.
        removed, _ = Authenticator.objects.filter(user_id=user.pk).delete()
        if not removed:
            raise StaffAdminError(f"{user.get_username()} has no second factor to remove.")
        _audit(request=request, actor=actor, user=user, summary="Removed the second factor")
    if not user.email:
        return False
    return _staff_notice_send(user=user, name="staff-second-factor-removed", context={})


def staff_deactivate(
    *, request: HttpRequest | None, actor: AbstractBaseUser | AnonymousUser, user: User
) -> int:
    """Stop the account from signing in, end its sessions, and return how many sessions ended.

    Staff are deactivated, never deleted: the audit log and notes keep pointing at who they were.
    """
    _owner_check(actor=actor, user=user)
    with transaction.atomic():
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
            _audit(request=request, actor=actor, user=user, summary="Deactivated the account")
        return sessions_end(user=user)


def staff_reactivate(
    *, request: HttpRequest | None, actor: AbstractBaseUser | AnonymousUser, user: User
) -> None:
    """Let a deactivated account sign in again (with its old password and second factor)."""
    _owner_check(actor=actor, user=user)
    with transaction.atomic():
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
            _audit(request=request, actor=actor, user=user, summary="Reactivated the account")


def _choose_password_url(user: User) -> str:
    """Return allauth's one-use link for the person to choose a password (a reset link)."""
    from confide.emails import site_url

    token = account_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": token},
    )
    return site_url(path)


def staff_invite(
    *,
    request: HttpRequest | None,
    actor: AbstractBaseUser | AnonymousUser,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    role: StaffProfile.Role,
    clinician: Clinician | None,
) -> User:
    """Make a staff account without a password and email the person a link to choose one.

    The account commits first and the email follows, so no mail server holds a transaction
    open; if the email fails, StaffAdminError says so and the owner can send a new link. The
    second factor is set up at the first sign-in, before anything else opens.
    """
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    _owner_check(actor=actor, user=user)
    with transaction.atomic():
        user.set_unusable_password()
        user.save()
        staff_role_assign(user=user, role=role, clinician=clinician)
        _audit(
            request=request,
            actor=actor,
            user=user,
            summary=f"Invited as {StaffProfile.Role(role).label.lower()}",
        )
    days = max(1, round(settings.PASSWORD_RESET_TIMEOUT / 86400))
    sent = _staff_notice_send(
        user=user,
        name="staff-invite",
        context={
            "set_password_url": _choose_password_url(user),
            "days": days,
            "username": username,
            "role": StaffProfile.Role(role).label.lower(),
        },
    )
    if not sent:
        raise StaffAdminError(
            f"The account {username} was made, but the invitation could not be emailed. "
            "Send a new link from the staff list once mail works again."
        )
    return user


def staff_role_change(
    *,
    request: HttpRequest | None,
    actor: AbstractBaseUser | AnonymousUser,
    user: User,
    role: StaffProfile.Role,
    clinician: Clinician | None,
) -> StaffProfile:
    """Give a staff member another role (or clinician link), with the admin rights it brings."""
    _owner_check(actor=actor, user=user)
    role = StaffProfile.Role(role)
    with transaction.atomic():
        profile = staff_role_assign(user=user, role=role, clinician=clinician)
        linked = f", linked to {clinician.name}" if clinician is not None else ""
        _audit(
            request=request,
            actor=actor,
            user=user,
            summary=f"Changed the role to {role.label.lower()}{linked}",
        )
    return profile


# The values allauth passes through the MFA adapter's encrypt() hook, per kind of authenticator.
MFA_SECRET_FIELDS = {
    Authenticator.Type.TOTP: ("secret",),
    Authenticator.Type.RECOVERY_CODES: ("seed",),
}
MFA_SECRET_LISTS = {Authenticator.Type.RECOVERY_CODES: ("migrated_codes",)}


def mfa_secrets_reseal() -> tuple[int, int]:
    """Re-seal second-factor secrets with the newest data key; return (re-sealed, unopened).

    Run after a new key is put first, before the old one is removed: a secret whose key is gone
    no longer opens, and its owner could only sign in after the owner removed it. A re-sealed
    recovery-code seed changes its owner's security stamp, which signs them out everywhere.
    """
    from confide.accounts.adapters import mfa_secret_open, mfa_secret_seal
    from confide.lib.crypto import DecryptionError, key_id_of

    current = keyring().current
    done = stuck = 0
    for pk in Authenticator.objects.filter(type__in=list(MFA_SECRET_FIELDS)).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            row = Authenticator.objects.select_for_update().get(pk=pk)
            data = dict(row.data)
            values = [(f, data.get(f)) for f in MFA_SECRET_FIELDS.get(row.type, ())]
            changed = False
            try:
                for field, value in values:
                    if isinstance(value, str) and key_id_of(value) != current:
                        data[field] = mfa_secret_seal(mfa_secret_open(value))
                        changed = True
                for field in MFA_SECRET_LISTS.get(row.type, ()):
                    codes = data.get(field)
                    if isinstance(codes, list) and any(key_id_of(c) != current for c in codes):
                        data[field] = [mfa_secret_seal(mfa_secret_open(c)) for c in codes]
                        changed = True
            except DecryptionError:
                stuck += 1
                continue
            if changed:
                Authenticator.objects.filter(pk=row.pk).update(data=data)
                done += 1
    return done, stuck
