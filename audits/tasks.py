"""Periodic and long-running work of the oversight app. Thin: each calls a service."""

from celery import shared_task


@shared_task(name="audits.tasks.verify_access_log")
def verify_access_log(full: bool = False) -> dict:
    # AU-1: nightly, so the audit dashboard always shows a recent result; from the last
    # checkpoint, or the whole chain weekly (issue 23).
    from accesslog.services import access_log_verify

    run = access_log_verify(triggered_by="weekly task (full)" if full else "nightly task", full=full)
    return {"ok": run.ok, "entries": run.entries_checked, "problem": run.problem}


@shared_task(name="audits.tasks.generate_annual_report", acks_late=True, soft_time_limit=1800, time_limit=1900)
def generate_annual_report(report_id: int) -> str:
    # AU-4: a large year takes a while; progress is written to the report row.
    from audits.services.reports import annual_report_generate

    return annual_report_generate(report_id=report_id).status


@shared_task(name="audits.tasks.publish_access_log_digest", soft_time_limit=3600, time_limit=3700)
def publish_access_log_digest() -> dict:
    # AU-1/AU-4 (issue 19): sign the chain's head as of midnight for the transparency page.
    # Idempotent per midnight. The first digest verifies the whole chain (minutes for
    # millions of entries, hence the limits); later ones only the day's entries.
    from audits.log_export import daily_digest_moment
    from audits.services.digests import access_log_digest_publish

    digest = access_log_digest_publish(as_of=daily_digest_moment(), triggered_by="daily task")
    return {"last_sequence": digest.last_sequence, "head_hash": digest.head_hash}


@shared_task(name="audits.tasks.remind_due_audits")
def remind_due_audits() -> int:
    # AU-5 (issue 20): tell the auditors of scheduled audits due or late (idempotent per day).
    from audits.services.schedules import audit_reminders_send

    return audit_reminders_send()
