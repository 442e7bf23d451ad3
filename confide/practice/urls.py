"""Addresses of the public site: home, approaches, articles, the leaving page, fixed pages."""

from django.urls import path

from confide.practice import views
from confide.practice.feeds import ArticleFeed

app_name = "practice"

urlpatterns = [
    path("", views.home, name="home"),
    path("approaches/", views.modality_list, name="modalities"),
    path("approaches/<slug:slug>/", views.modality_detail, name="modality"),
    path("articles/", views.article_list, name="articles"),
    path("articles/feed/", ArticleFeed(), name="feed"),
    path("articles/tag/<slug:slug>/", views.tag_detail, name="tag"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("leaving-this-site/", views.leaving, name="leaving"),
    path("<slug:kind>/", views.page, name="page"),
]
