from django.apps import AppConfig


class AccessLogConfig(AppConfig):
    """The foundation every app writes to (issue 17): the access log (AU-1), its hash chain
    and verification runs, refused object access, the configuration-change record and the
    action names. It imports no other app of the project except `lib`, so any app may
    import it; the oversight app (`audits`) reads it from above."""

    name = "accesslog"
    verbose_name = "Access log"

    def ready(self):
        # SEC-1 deploy checks (config/checks.py): registered on import.
        import config.checks  # noqa: F401
