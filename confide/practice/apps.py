from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "confide.practice"
    verbose_name = "Practice and website"
