"""Error reports that never carry what a person typed: no form field or local variable."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.views.debug import SafeExceptionReporterFilter

HIDDEN = "(hidden: may hold clinical text)"


class ClinicalTextReporterFilter(SafeExceptionReporterFilter):
    """Hide every posted value and every frame's locals; the raw cookie and query headers too.

    A report (the debug page, or mail to ADMINS when someone sets it) would otherwise show a
    note's sections as they were posted and as local variables of the view that failed.
    """

    cleansed_substitute = HIDDEN

    def is_active(self, request: HttpRequest | None) -> bool:
        # Also with DEBUG on: a development copy may hold a real practice's data.
        return True

    def get_post_parameters(self, request: HttpRequest | None) -> dict[str, str]:
        if request is None:
            return {}
        return dict.fromkeys(request.POST, HIDDEN)

    def get_traceback_frame_variables(self, request: HttpRequest | None, tb_frame: Any) -> Any:
        return [(name, HIDDEN) for name in tb_frame.f_locals]

    def get_safe_request_meta(self, request: HttpRequest) -> dict[str, Any]:
        meta = super().get_safe_request_meta(request)
        for key in ("QUERY_STRING", "HTTP_COOKIE", "HTTP_REFERER"):
            if key in meta:
                meta[key] = HIDDEN
        return meta
