from django.apps import AppConfig
from django.core import checks


class HotlistsConfig(AppConfig):
    name = "hotlists"
    verbose_name = "Hot lists"

    def ready(self):
        from accounts.dashboard import register_action_counts
        from hotlists.selectors import dashboard_counts

        register_action_counts("hotlists.approvals", dashboard_counts, rank=20)  # issue 21 §5
        from alpr.services.hits import set_matcher
        from hotlists.matching import find_matches

        checks.register(check_permitted_sources, checks.Tags.compatibility)
        # HT-1: every new read is compared with the hot lists (alpr.services.hits.hits_for_read).
        set_matcher(find_matches)


def check_permitted_sources(app_configs, **kwargs):
    """HL-1 (issue 19 §5): ALPR_HOTLIST_PERMITTED_SOURCES may narrow the permitted lists,
    never widen them; a name outside HL-1 would otherwise be ignored silently."""
    from django.conf import settings

    from hotlists.screening import HL1_SOURCES

    unknown = sorted(set(settings.ALPR_HOTLIST_PERMITTED_SOURCES) - set(HL1_SOURCES))
    if unknown:
        return [checks.Error(f"ALPR_HOTLIST_PERMITTED_SOURCES names lists HL-1 does not permit: {', '.join(unknown)}",
                             hint=f"Use only: {', '.join(HL1_SOURCES)}.", id="hotlists.E001")]
    return []
