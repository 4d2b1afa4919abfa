import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from accesslog.actions import Action
from accesslog.models import AccessEvent
from accounts import roles
from accounts.models import Agency, User
from training.selectors import training_status

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.password_only
def test_demo_creates_every_role_and_is_idempotent(db, capsys, client):
    call_command("demo")
    call_command("demo")
    out = capsys.readouterr().out
    # Issue 8: the privileged demo accounts sign in with a printed one-time code (the
    # latest run's codes; the first run's no longer work).
    printed = {line.split(":")[0].strip(): line.split(":")[1].split() for line in out.splitlines()
               if line.startswith("  ") and ":" in line}
    assert {"administrator", "coordinator", "auditor", "designee"} <= set(printed)
    assert "officer" not in printed
    client.post("/login/", {"username": "auditor", "password": "demo-password-2026", "acknowledge": "on"})
    assert client.get("/audits/")["Location"].startswith("/mfa/verify/")
    assert client.post("/mfa/verify/", {"token": printed["auditor"][0]}).status_code == 302
    assert client.get("/audits/").status_code == 200
    assert "demo-password-2026" in out
    for username in ("officer", "pst", "analyst", "investigator", "administrator", "coordinator", "auditor",
                     "untrained", "outsider", "designee", "records"):
        user = User.objects.get(username=username)
        assert user.check_password("demo-password-2026")
        assert user.groups.count() == 1
    assert User.objects.count() == 11
    # Issue 17: every action the demo's work recorded is one of the enum's names (AU-1:
    # auditors filter by them; the annual report counts them).
    recorded = set(AccessEvent.objects.values_list("action", flat=True))
    assert len(recorded) > 10 and recorded <= {action.value for action in Action}
    from accounts.models import Designation

    assert Designation.objects.filter(designee__username="designee", revoked_at__isnull=True).count() == 2
    # Issue 20 §3, §4: a records-staff member, holding a position a designation names.
    records = User.objects.get(username="records")
    assert records.has_role(roles.RECORDS_STAFF) and records.positions.count() == 1
    assert Designation.objects.filter(position__holders=records, revoked_at__isnull=True).count() == 1
    assert Agency.objects.filter(is_home=True).count() == 1
    assert Agency.objects.filter(kind=Agency.Kind.FEDERAL).exists()
    assert Agency.objects.exclude(state="CA").exists()
    assert training_status(user=User.objects.get(username="officer")).is_current
    assert not training_status(user=User.objects.get(username="untrained")).is_current
    assert User.objects.get(username="outsider").agency.is_home is False
    analyst = User.objects.get(username="analyst")
    assert analyst.alpr_designated_by.username == "administrator"  # ID-2
    # Issue 19: the auditor finds one refused prohibited search and one that ran, flagged.
    from alpr.models import Search

    assert Search.objects.filter(status=Search.Status.REFUSED, flagged_for_audit=True).count() == 1
    flagged_run = Search.objects.get(status=Search.Status.RUN, flagged_for_audit=True)
    assert "mosque" in flagged_run.justification and flagged_run.offence_category == "PC245"
    # Issue 21: frames sent with make and body type, and a service-area outline for the maps.
    from ingest.models import FrameJob
    from lib.geo import load_boundary

    assert FrameJob.objects.filter(vehicle_make="TOYOTA", vehicle_type="SEDAN").count() == 5
    outline = next(line for line in out.splitlines() if "service-area outline" in line).split(" is at ")[1]
    assert load_boundary(outline.split(";")[0])["features"]
    # Issue 20: a retention schedule with a regional source (RT-4), once however often run.
    # (The demo's hold needs the frames read at commit: tests/test_retention_schedule.py.)
    from alpr.models import Camera, RetentionRule

    rule = RetentionRule.objects.get(source__name="NCRIC (regional)", data_class="reads")
    assert rule.days == 30 and rule.changed_by.username == "administrator"  # Oakland's cap by default
    assert Camera.objects.filter(data_source=rule.source).count() == 1


def test_demo_refuses_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("demo")


def test_role_groups_exist_with_their_permissions(db):
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL_ROLES)
    auditor = Group.objects.get(name=roles.AUDITOR)
    codenames = set(auditor.permissions.values_list("codename", flat=True))
    assert "view_accessevent" in codenames
    assert not any(c.startswith(("add_", "change_", "delete_")) for c in codenames)


def _run(args, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    full_env.update(env)
    command = [sys.executable, "manage.py", *args]
    return subprocess.run(command, cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120)  # noqa: S603


def test_production_requires_a_secret_key(tmp_path):
    result = _run(["check"], DJANGO_ENV="production", ALLOWED_HOSTS="alpr.example.org",
                  ALPR_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_passes_the_deploy_check(tmp_path):
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_ENV="production", ALLOWED_HOSTS="alpr.example.org", ALPR_VAR_DIR=str(tmp_path),
        SECRET_KEY="k3y-" + "".join(chr(65 + (i * 7) % 26) + str(i % 10) for i in range(40)),
        ALPR_MEDIA_KEYS="k1:" + base64.b64encode(os.urandom(32)).decode(),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_without_a_media_key_fails_the_deploy_check(tmp_path):
    """SEC-1: images would not be sealed with the agency's key (config/checks.py)."""
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_ENV="production", ALLOWED_HOSTS="alpr.example.org", ALPR_VAR_DIR=str(tmp_path), ALPR_MEDIA_KEYS="",
        SECRET_KEY="k3y-" + "".join(chr(65 + (i * 7) % 26) + str(i % 10) for i in range(40)),
    )
    assert result.returncode != 0
    assert "ingest.E001" in result.stderr + result.stdout


def test_celery_runs_in_process_without_a_broker(settings):
    from config.celery import app

    if settings.CELERY_BROKER_URL:
        pytest.skip("a broker is configured in this environment")
    assert app.conf.task_always_eager is True
    assert app.conf.task_acks_late is True and app.conf.task_reject_on_worker_lost is True
