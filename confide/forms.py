"""Form behaviour shared by every door: text cleaned before it is validated, forms made of parts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.utils import ErrorDict
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


PartForm = TypeVar("PartForm", bound=forms.BaseForm)


class WithPartsMixin(forms.BaseForm):
    """A form that carries other forms as parts, such as a partner's details under a prefix.

    Validity, ``errors`` and iteration (which the error summary lists fields by) take in the
    parts in play, so views and templates treat the whole as one form.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._parts: list[forms.BaseForm] = []

    def part(
        self, form_class: type[PartForm], *, prefix: str, in_play: bool, **kwargs: Any
    ) -> PartForm:
        """Return a part whose fields are named by ``prefix``, read only when ``in_play``.

        A part out of play is shown but neither read nor checked. Its initial values come from
        this form's initial under the part's field names (``partner_name``, say).
        """
        made = form_class(self.data if self.is_bound and in_play else None, prefix=prefix, **kwargs)
        for name in made.fields:
            if made.add_prefix(name) in self.initial:
                made.initial.setdefault(name, self.initial[made.add_prefix(name)])
        if made.is_bound:
            self._parts.append(made)
        return made

    @property
    def errors(self) -> ErrorDict:
        own = super().errors
        if not self._parts:
            return own
        merged = ErrorDict(own, renderer=self.renderer)
        for part in self._parts:
            for name, messages in part.errors.items():
                if name != NON_FIELD_ERRORS:
                    merged[part.add_prefix(name)] = messages
                    continue
                earlier = merged[NON_FIELD_ERRORS].as_data() if NON_FIELD_ERRORS in merged else []
                merged[NON_FIELD_ERRORS] = self.error_class(
                    [*earlier, *messages.as_data()], error_class="nonfield", renderer=self.renderer
                )
        return merged

    def __iter__(self) -> Iterator[forms.BoundField]:
        yield from super().__iter__()
        for part in self._parts:
            yield from part


def _clean(value: object, multiline: bool) -> object:
    return clean_text(value, multiline=multiline) if isinstance(value, str) else value
