"""The site's URLs plus two office pages made only for the access tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from confide.accounts.access import CLINICAL_ROLES, office_view, reauthentication_required
from confide.urls import urlpatterns as site_urlpatterns


@office_view(roles=CLINICAL_ROLES)
@reauthentication_required
def sensitive(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"opened with {request.method}: {request.POST.get('what', '')}")


@office_view(roles=["owner"])
def owners_only(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"role: {request.staff_role}")  # type: ignore[attr-defined]


urlpatterns = [
    path("office/test/sensitive/", sensitive, name="test_sensitive"),
    path("office/test/owners-only/", owners_only, name="test_owners_only"),
    *site_urlpatterns,
]
