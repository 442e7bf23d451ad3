"""Config of the practice app: the practice and its public website."""

from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "confide.practice"
    verbose_name = "Practice and website"

    def ready(self) -> None:
        from confide.practice.page_cache import listen

        listen(self)
