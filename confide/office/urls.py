from django.urls import include, path

from confide.office import views

app_name = "office"

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("confide.office.schedule_urls")),
    path("", include("confide.office.client_urls")),
]
