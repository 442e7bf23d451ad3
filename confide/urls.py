"""The site's addresses: the office (sign-in and admin included), booking, public pages."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.static import serve

from confide.health.views import healthz, readyz
from confide.measures.views import link_answer
from confide.metrics.views import metrics
from confide.practice.sitemaps import SITEMAPS
from confide.practice.views import robots_txt

urlpatterns = [
    # Staff sign-in, second factor and password reset (django-allauth).
    path("office/account/", include("allauth.urls")),
    path("office/admin/", admin.site.urls),
    path("office/", include("confide.office.urls")),
    path("portal/", include("confide.portal.urls")),
    # A one-time link to answer a measure without a portal account; the token is the only key.
    path("questions/<str:token>/", link_answer, name="measure_link"),
    # For load balancers and service managers; docs/production.md, "Health checks".
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    # For Prometheus, with a bearer token; docs/production.md, "Metrics".
    path("metrics", metrics, name="metrics"),
    path("robots.txt", robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("confide.scheduling.urls")),
    path("", include("confide.practice.urls")),
]

if settings.DEBUG:
    # Uploaded photos in development; in production the web server serves MEDIA_ROOT.
    urlpatterns.insert(0, path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
