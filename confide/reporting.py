"""Error reports that never carry what a person typed: no form field, local or query value."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

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


class ClinicalTextExceptionReporter(ExceptionReporter):
    """Show the address without its query, and a query's parameter names without values.

    Office searches are for people's names, and a form kept across the password prompt is
    resumed with a one-time nonce in the query.
    """

    def get_traceback_data(self) -> dict[str, Any]:
        data = super().get_traceback_data()
        request = self.request
        if request is not None:
            data["request_GET_items"] = [(name, HIDDEN) for name in request.GET]
            host = request._get_raw_host()  # type: ignore[attr-defined]
            data["request_insecure_uri"] = f"{request.scheme}://{host}{request.path}"
        return data
