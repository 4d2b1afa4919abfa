from django.apps import AppConfig


class AlprConfig(AppConfig):
    name = "alpr"
    verbose_name = "Reads, hits and searches"
