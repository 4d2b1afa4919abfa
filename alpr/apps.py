from django.apps import AppConfig


class AlprConfig(AppConfig):
    name = "alpr"
    verbose_name = "Reads, hits and searches"

    def ready(self):
        from accounts.dashboard import register_action_counts
        from alpr.selectors.cameras import dashboard_camera_counts
        from alpr.selectors.hits import dashboard_alert_counts
        from alpr.selectors.retention import dashboard_hold_counts

        # Issue 21 §5: the dashboard counts what waits on the member (accounts cannot read alpr).
        register_action_counts("alpr.alerts", dashboard_alert_counts, rank=10)
        register_action_counts("alpr.holds", dashboard_hold_counts, rank=40)
        # Issue 20 (CAM-1): units awaiting the officer's start-of-shift check, cameras awaiting attestation.
        register_action_counts("alpr.cameras", dashboard_camera_counts, rank=15)
