"""Issue 21 §7: a camera that recognises vehicles sends make and body type with its frames
through the upload API; they are validated and stored on the reads (RD-1), as the edge
formats store theirs."""

import pytest

from alpr.models import Read
from alpr.services.cameras import camera_issue_token
from ingest.models import FrameJob
from tests import factories
from tests.test_ingest import _frame, _post, _upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def camera(administrator, home_agency):
    cam = factories.camera(home_agency, "Broadway & Grand")
    return cam, camera_issue_token(camera=cam, by=administrator)


def test_make_and_body_type_are_stored_on_the_read(camera, client, django_capture_on_commit_callbacks):
    _, token = camera
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, token, [_upload("f.jpg", _frame())],
                         vehicle_make="Toyota", vehicle_type="pickup truck")
    assert response.status_code == 202, response.content
    read = Read.objects.get(ingest_job_id=response.json()["jobs"][0]["id"])
    # Stored as the edge formats store them: upper case, body types in the common words.
    assert (read.vehicle_make, read.vehicle_type) == ("TOYOTA", "PICKUP")


def test_without_them_the_read_has_none(camera, client, django_capture_on_commit_callbacks):
    _, token = camera
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, token, [_upload("f.jpg", _frame())])
    read = Read.objects.get(ingest_job_id=response.json()["jobs"][0]["id"])
    assert (read.vehicle_make, read.vehicle_type) == ("", "")


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("vehicle_make", "<script>alert(1)</script>", "vehicle_make may hold only"),
    ("vehicle_make", "Ford'; DROP TABLE alpr_read;--", "vehicle_make may hold only"),
    ("vehicle_make", "X" * 41, "vehicle_make longer than 40"),
    ("vehicle_type", "SUV" * 11, "vehicle_type longer than 30"),
])
def test_a_bad_make_or_body_type_is_refused_with_the_frame_kept(camera, client, caplog, field, value, reason):
    _, token = camera
    response = _post(client, token, [_upload("f.jpg", _frame())], **{field: value})
    assert response.status_code == 400
    job = FrameJob.objects.get(pk=response.json()["jobs"][0]["id"])
    assert job.status == FrameJob.Status.REJECTED and reason in job.reason
    assert job.frame and job.vehicle_make == "" and not Read.objects.exists()  # kept, nothing stored from it
    assert reason in caplog.text  # the log line says why
