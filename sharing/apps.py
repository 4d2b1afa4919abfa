from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "sharing"
    verbose_name = "Inter-agency sharing"

    def ready(self):
        from accounts.dashboard import register_action_counts
        from sharing.selectors import dashboard_counts

        register_action_counts("sharing.requests", dashboard_counts, rank=30)  # issue 21 §5
        from alpr.selectors.retention import set_sharing_request_selector
        from sharing.selectors import requests_visible_to

        # A legal hold may name a sharing request the member can see (RT-2, alpr.selectors.retention).
        set_sharing_request_selector(requests_visible_to)
        from accounts.services import register_agency_reclassified
        from sharing.services.requests import recheck_for_agency

        # Issue 20 §2: an agency's kind or state changed: its open requests face the law again.
        register_agency_reclassified("sharing.requests", recheck_for_agency)
