from django.apps import AppConfig


class HotlistSourcesConfig(AppConfig):
    """Self-contained: models, migrations, admin, tasks and the transports of pulled lists."""

    name = "hotlists.sources"
    label = "hotlist_sources"
    verbose_name = "Hot-list sources (HL-2)"
