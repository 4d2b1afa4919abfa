from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Audits and access log"

    def ready(self):
        from accounts.dashboard import register_action_counts
        from audits.selectors import dashboard_counts

        register_action_counts("audits.audits", dashboard_counts, rank=50)  # issue 21 §5

        from audits.breach_selectors import dashboard_counts as breach_counts

        register_action_counts("audits.breaches", breach_counts, rank=55)  # BR-1: open breaches, overdue notices
        # Issue 20 (003 §418.6): the ALPR Administrator reports data errors to NCRIC.
        from audits import corrections_export

        register_action_counts("audits.ncric_corrections", corrections_export.dashboard_counts, rank=51)
