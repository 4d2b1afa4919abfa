from django.apps import AppConfig


class HotlistsConfig(AppConfig):
    name = "hotlists"
    verbose_name = "Hot lists"
