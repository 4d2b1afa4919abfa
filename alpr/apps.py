from django.apps import AppConfig


class AlprConfig(AppConfig):
    name = "alpr"
    verbose_name = "Reads, hits and searches"

    def ready(self):
        from accounts.dashboard import register_action_counts
        from alpr.selectors.hits import dashboard_alert_counts
        from alpr.selectors.retention import dashboard_hold_counts

        # Issue 21 §5: the dashboard counts what waits on the member (accounts cannot read alpr).
        register_action_counts("alpr.alerts", dashboard_alert_counts, rank=10)
        register_action_counts("alpr.holds", dashboard_hold_counts, rank=40)
