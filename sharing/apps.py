from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "sharing"
    verbose_name = "Inter-agency sharing"

    def ready(self):
        from alpr.retention import set_sharing_request_selector
        from sharing.selectors import requests_visible_to

        # A legal hold may name a sharing request the member can see (RT-2, alpr.retention).
        set_sharing_request_selector(requests_visible_to)
