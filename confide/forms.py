"""Form behaviour shared by every door: text people type is cleaned before it is validated."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.datastructures import MultiValueDict

from confide.lib.text import clean_text


class CleanTextMixin(forms.BaseForm):
    """Remove invisible formatting (such as bidirectional overrides) from every text field.

    A name holding U+202E shows reversed wherever it is listed, and zero-width characters make
    two names look alike; cleaning the submitted data, not the cleaned values, means the length
    limits, the required checks and every ``clean_*`` method see the text as it will be stored.
    """

    def full_clean(self) -> None:
        if self.is_bound:
            self.data = self._cleaned_text_data()
        super().full_clean()

    def _cleaned_text_data(self) -> Mapping[str, Any]:
        # A copy: the request's own QueryDict is immutable and may be read again by the view.
        multi = self.data.copy() if isinstance(self.data, MultiValueDict) else None
        plain = dict(self.data) if multi is None else {}
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField):
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            key = self.add_prefix(name)
            if multi is not None and key in multi:
                multi.setlist(key, [_clean(value, multiline) for value in multi.getlist(key)])
            elif key in plain:
                plain[key] = _clean(plain[key], multiline)
        return plain if multi is None else multi


def _clean(value: object, multiline: bool) -> object:
    return clean_text(value, multiline=multiline) if isinstance(value, str) else value
