"""Tell the auditors which scheduled audits are due or late (AU-5, issue 20). Celery beat
runs the same daily (audits.tasks.remind_due_audits); on the embedded default, which has
no beat, run this from cron. Idempotent: a rerun sends nothing new."""

from django.core.management.base import BaseCommand

from audits.scheduling import SCHEDULED, schedule_statuses
from audits.services.schedules import audit_reminders_send


class Command(BaseCommand):
    help = "Remind the auditors of scheduled audits that are due or late."

    def handle(self, *args, **options):
        sent = audit_reminders_send()
        for status in schedule_statuses():
            if status.state != SCHEDULED:
                self.stdout.write(status.label)
        self.stdout.write(self.style.SUCCESS(f"{sent} new reminder(s) sent."))
