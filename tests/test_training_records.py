"""TR-1, TR-2, ID-4: training records, import, roster, notices; account hygiene."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, User
from accounts.services import disable_inactive, reenable
from training.models import TrainingRecord
from training.notices import notify_expiring
from training.selectors import training_status
from training.services.imports import import_training_csv


def test_a_good_import_creates_every_record(coordinator, course):
    data = (f"Username,Course,Completed On,Trainer,Score\n"
            f"officer,{course.title},{timezone.localdate():%m/%d/%Y},Sgt. Howell,95\n"
            f"S-analyst,{course.title},{timezone.localdate():%Y-%m-%d},Sgt. Howell,\n").encode()
    before = TrainingRecord.objects.count()
    result = import_training_csv(data=data, entered_by=coordinator)
    assert result.errors == [] and result.created == 2
    assert TrainingRecord.objects.count() == before + 2


def test_a_malformed_import_changes_nothing_and_lists_every_problem(coordinator, course):
    data = (f"member,course,completed_on,trainer,score\n"
            f"officer,{course.title},2026-01-05,Sgt. Howell,95\n"
            f"nobody,{course.title},2026-01-05,Sgt. Howell,95\n"
            f"officer,No such course,2026-01-05,Sgt. Howell,95\n"
            f"officer,{course.title},someday,Sgt. Howell,95\n"
            f"officer,{course.title},2026-01-05,,95\n"
            f"officer,{course.title},2026-01-05,Sgt. Howell,150\n").encode()
    before = TrainingRecord.objects.count()
    result = import_training_csv(data=data, entered_by=coordinator)
    assert [e.split(":")[0] for e in result.errors] == ["Line 3", "Line 4", "Line 5", "Line 6", "Line 7"]
    assert TrainingRecord.objects.count() == before
    assert import_training_csv(data=b"\xff\xfe\x00", entered_by=coordinator).errors
    assert "missing column" in import_training_csv(data=b"a,b\n1,2\n", entered_by=coordinator).errors[0]


def test_a_new_record_reopens_access_for_a_lapsed_member(untrained, coordinator, officer, course, client):
    client.force_login(untrained)
    assert client.get(reverse("accounts:dashboard")).status_code == 403
    client.force_login(coordinator)
    certificate = SimpleUploadedFile("cert.pdf", b"%PDF-1.4 certificate", content_type="application/pdf")
    response = client.post(reverse("training:index"), {
        "member": untrained.pk, "course": course.pk, "completed_on": timezone.localdate().isoformat(),
        "trainer": "Sgt. Howell", "passed": "on", "certificate": certificate})
    assert response.status_code == 302
    record = TrainingRecord.objects.filter(member=untrained).latest("completed_on")
    client.force_login(untrained)
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    # The certificate is private: the member and the roster roles only.
    assert client.get(reverse("training:certificate", args=[record.pk])).status_code == 200
    client.force_login(officer)
    assert client.get(reverse("training:certificate", args=[record.pk])).status_code == 404


def test_certificates_must_be_documents(coordinator, officer, course, client):
    client.force_login(coordinator)
    response = client.post(reverse("training:index"), {
        "member": officer.pk, "course": course.pk, "completed_on": timezone.localdate().isoformat(),
        "trainer": "Sgt. Howell", "certificate": SimpleUploadedFile("cert.pdf", b"<html>nope</html>")})
    assert response.status_code == 200 and "must be a PDF" in response.content.decode()


def test_the_roster_filters_and_exports(auditor, officer, client):
    client.force_login(auditor)
    page = client.get(reverse("training:index"), {"status": "expired"}).content.decode()
    assert "Untrained" in page and "Officer Tester" not in page
    export = client.get(reverse("training:roster_export")).content.decode()
    assert "untrained,Untrained Tester" in export and "expired" in export
    client.force_login(officer)
    assert client.get(reverse("training:index")).status_code == 404


def test_members_expiring_within_30_days_and_their_supervisors_are_told(officer, investigator, course, settings):
    officer.supervisor = investigator
    officer.save()
    TrainingRecord.objects.filter(member=officer).update(completed_on=timezone.localdate() - timedelta(days=350))
    assert training_status(user=officer).state == "expiring"
    sent = notify_expiring()
    assert Notification.objects.filter(user=officer).count() == 1
    assert Notification.objects.filter(user=investigator, message__contains="Officer Tester").exists()
    assert notify_expiring() == 0  # once per expiry date
    assert sent >= 2


def test_unused_accounts_are_disabled_and_only_an_administrator_reenables(officer, analyst, administrator):
    User.objects.filter(pk=officer.pk).update(last_login=timezone.now() - timedelta(days=91),
                                              date_joined=timezone.now() - timedelta(days=400))
    User.objects.filter(pk=analyst.pk).update(last_login=timezone.now() - timedelta(days=10),
                                                          date_joined=timezone.now() - timedelta(days=400))
    from rest_framework.authtoken.models import Token

    Token.objects.create(user=officer)
    disabled = disable_inactive()
    assert "officer" in disabled and "analyst" not in disabled
    officer.refresh_from_db()
    assert not officer.is_active and "90 days" in officer.disabled_reason
    assert not Token.objects.filter(user=officer).exists()  # tokens go with the account
    reenable(user=officer, by=administrator)
    assert "officer" not in disable_inactive()  # re-enabling counts as use


@pytest.mark.parametrize("days,expected", [(89, True), (91, False)])
def test_the_inactivity_boundary(personas, days, expected):
    user = personas["pst"]
    User.objects.filter(pk=user.pk).update(last_login=timezone.now() - timedelta(days=days),
                                           date_joined=timezone.now() - timedelta(days=400))
    disable_inactive()
    user.refresh_from_db()
    assert user.is_active is expected
