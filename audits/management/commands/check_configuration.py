"""Issue 19 §6: compare this process's policy settings with the fingerprint last recorded
and record any difference as a configuration change (alerting when it weakens oversight).
Run after `migrate` at every start (`make run` does); see accesslog/configuration.py."""

from django.core.management.base import BaseCommand

from accesslog.configuration import environment_check


class Command(BaseCommand):
    help = "Fingerprint the policy settings from the environment; record and alert on changes since the last start."

    def handle(self, *args, **options):
        changes = environment_check()
        if not changes:
            self.stdout.write("Policy settings unchanged since the last recorded start.")
        for change in changes:
            flag = "ALARM " if change.weakens else ""
            if change.before:
                self.stdout.write(f"{flag}{change.summary}: {change.before} -> {change.after}")
            else:
                self.stdout.write(f"{change.summary}: {len(change.after)} settings")
