"""Changes to the practice profile and its clinicians, for every door that makes them.

Each saves through the model, so the public pages' stamp is renewed by the models' signals in
the same transaction (decision 14), and announces the change for the audit log
(``confide.practice.events``). Forms validate first; these check again with the model's own
validation before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.text import slugify

from confide.practice.events import field_labels, settings_changed_send
from confide.practice.models import Clinician, Modality, Practice


def practice_profile_save(
    *,
    practice: Practice,
    changed: Iterable[str],
    what: str = "practice profile",
    actor: Any,
    request: HttpRequest | None,
) -> Practice:
    """Save the practice profile (or the part of it one page edits) and record who changed what.

    ``changed`` names the fields that changed, for the audit entry; ``what`` says which part.
    """
    changed = list(changed)
    practice.full_clean()
    with transaction.atomic():
        practice.save()
        settings_changed_send(
            actor=actor,
            request=request,
            action="change",
            target_type="practice",
            target="practice",
            summary=f"changed the {what}"
            + (f": {field_labels(Practice, changed)}" if changed else ""),
        )
    return practice


def _free_slug(name: str, *, exclude: int | None = None) -> str:
    base = slugify(name)[:110] or "clinician"
    slug, n = base, 2
    taken = Clinician.objects.exclude(pk=exclude) if exclude else Clinician.objects.all()
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def clinician_save(
    *,
    clinician: Clinician,
    modalities: Iterable[Modality] | None = None,
    changed: Iterable[str] = (),
    actor: Any,
    request: HttpRequest | None,
) -> Clinician:
    """Add a clinician, or save changes to one, with their approaches when given.

    A new clinician gets an address on the site made from their name (a number added if it is
    taken); an existing one keeps theirs, so links to their page go on working.
    """
    created = clinician.pk is None
    if created and not clinician.slug:
        clinician.slug = _free_slug(clinician.name)
    clinician.full_clean()
    with transaction.atomic():
        clinician.save()
        if modalities is not None:
            clinician.modalities.set(modalities)
        fields = field_labels(Clinician, list(changed))
        settings_changed_send(
            actor=actor,
            request=request,
            action="create" if created else "change",
            target_type="clinician",
            target=f"clinician:{clinician.pk}",
            summary=(
                f"added the clinician {clinician.name}"
                if created
                else f"changed the profile of {clinician.name}" + (f": {fields}" if fields else "")
            ),
        )
    return clinician
