from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts, agencies and designations"

    def ready(self):
        from django.db.models.signals import post_migrate

        from accesslog.configuration import configuration_alarm
        from accounts import roles, services, signals  # noqa: F401  (sign-in events)

        # Permissions of every app exist only after that app's post_migrate, so the
        # role groups are synchronised after each one; the last run sees them all.
        post_migrate.connect(roles.sync_role_groups_on_migrate, dispatch_uid="accounts.sync_role_groups")
        configuration_alarm.connect(services.configuration_alarm_notify, dispatch_uid="accounts.configuration_alarm")
