"""RD-2: frames in, reads out; bad input loses nothing and crashes nothing."""

import struct
import zlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alpr.models import Hit, Read
from alpr.services.cameras import camera_issue_token, camera_revoke_token
from ingest import services
from ingest.models import FrameJob
from ingest.synthetic import encode_jpeg, render_frame
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def camera(administrator, home_agency):
    cam = factories.camera(home_agency, "Broadway & Grand")
    return cam, camera_issue_token(camera=cam, by=administrator)


def _frame(plate="3DMS368", seed=1):
    return encode_jpeg(render_frame(plate, "CA", seed=seed).image)


def _png(width, height, body=b"") -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def _post(client, token, files, captured_at=None, **extra):
    captured_at = captured_at or timezone.now() - timedelta(seconds=5)
    data = {"frame": files, "captured_at": captured_at.isoformat(), **extra}
    headers = {"HTTP_AUTHORIZATION": f"Camera {token}"} if token else {}
    return client.post("/api/cameras/frames/", data, **headers)


def _upload(name, content, content_type="image/jpeg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_camera_frame_becomes_a_read_with_images_and_a_hit(camera, client, django_capture_on_commit_callbacks):
    cam, token = camera
    factories.entry(factories.hotlist(), "3DMS368")
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, token, [_upload("f.jpg", _frame())])
    assert response.status_code == 202, response.content
    job = FrameJob.objects.get(pk=response.json()["jobs"][0]["id"])
    assert job.status == FrameJob.Status.DONE and job.reads_count >= 1
    read = Read.objects.get(ingest_job=job)
    assert read.plate == "3DMS368" and read.camera == cam
    assert read.frame_sha256 == job.sha256 and read.crop and read.plate_box
    assert Hit.objects.filter(read=read).exists()  # HT-1: matched at once


def test_the_same_frame_twice_is_one_job(camera, client, django_capture_on_commit_callbacks):
    _, token = camera
    data = _frame()
    with django_capture_on_commit_callbacks(execute=True):
        first = _post(client, token, [_upload("a.jpg", data)]).json()["jobs"][0]
        second = _post(client, token, [_upload("b.jpg", data)]).json()["jobs"][0]
    assert first["id"] == second["id"] and second["duplicate"] is True
    assert FrameJob.objects.count() == 1 and Read.objects.filter(ingest_job_id=first["id"]).count() >= 1


@pytest.mark.parametrize(
    "name,content,content_type,reason",
    [
        ("empty.jpg", b"", "image/jpeg", "empty file"),
        ("notes.jpg", b"just some text pretending to be a JPEG", "image/jpeg", "not a JPEG or PNG"),
        ("script.png", b"<script>alert(1)</script>", "image/png", "not a JPEG or PNG"),
        ("cut.jpg", None, "image/jpeg", "truncated JPEG"),
        ("cut.png", _png(10, 10)[:-12], "image/png", "truncated PNG"),
        ("bomb.png", _png(100_000, 100_000), "image/png", "image too large"),
    ],
)
def test_bad_files_are_refused_with_a_reason_and_kept(camera, client, name, content, content_type, reason):
    _, token = camera
    if content is None:
        content = _frame()[:-500]
    response = _post(client, token, [_upload(name, content, content_type)])
    assert response.status_code == 400
    job_json = response.json()["jobs"][0]
    assert job_json["status"] == "rejected" and reason in job_json["reason"]
    job = FrameJob.objects.get(pk=job_json["id"])
    assert job.size_bytes == len(content) and job.original_name == name
    if content:
        assert job.frame.read() == content  # the bytes are kept for review


def test_a_file_over_the_size_limit(camera, client, settings):
    """Issue 18, defect 5: an oversized file is refused and kept as its SHA-256, size and
    a bounded prefix, never whole."""
    import hashlib

    _, token = camera
    settings.ALPR_INGEST_MAX_BYTES = 2048
    settings.ALPR_INGEST_REJECTED_PREFIX_BYTES = 512
    content = _frame()
    response = _post(client, token, [_upload("big.jpg", content)])
    assert response.status_code == 400 and "too large" in response.json()["jobs"][0]["reason"]
    job = FrameJob.objects.get(pk=response.json()["jobs"][0]["id"])
    assert job.size_bytes == len(content) > 2048
    assert job.sha256 == hashlib.sha256(content).hexdigest()
    assert job.frame.read() == content[:512]


def test_a_request_over_the_body_limit_is_refused_before_it_is_read(camera, client, settings):
    _, token = camera
    settings.ALPR_INGEST_MAX_REQUEST_BYTES = 4096
    response = _post(client, token, [_upload("a.jpg", _frame()), _upload("b.jpg", _frame(plate="8XYZ789"))])
    assert response.status_code == 413 and response.json()["error"]["code"] == "request_too_large"
    assert not FrameJob.objects.exists()


def test_a_jpeg_with_metadata_after_its_end_marker_is_accepted(camera, client):
    """Issue 18, defect 10: cameras append metadata after the end-of-image marker."""
    _, token = camera
    response = _post(client, token, [_upload("meta.jpg", _frame() + b"CAMERA-METADATA lane=2 speed=31" * 4)])
    assert response.status_code == 202, response.content
    assert FrameJob.objects.get().status != FrameJob.Status.REJECTED


def test_corrupt_pixels_behind_a_valid_header_are_rejected_at_processing(camera, client,
                                                                        django_capture_on_commit_callbacks):
    _, token = camera
    data = _frame()
    corrupt = data[:600] + b"\x00" * (len(data) - 602) + b"\xff\xd9"
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, token, [_upload("corrupt.jpg", corrupt)])
    job = FrameJob.objects.get(pk=response.json()["jobs"][0]["id"])
    assert job.status in (FrameJob.Status.REJECTED, FrameJob.Status.DONE)
    if job.status == FrameJob.Status.REJECTED:
        assert "could not be decoded" in job.reason


@pytest.mark.parametrize(
    "when,reason",
    [(timedelta(hours=1), "in the future"), (-timedelta(days=31), "older than the 30-day retention")],
)
def test_capture_times_outside_the_allowed_window(camera, client, when, reason):
    _, token = camera
    response = _post(client, token, [_upload("f.jpg", _frame())], captured_at=timezone.now() + when)
    assert response.status_code == 400 and reason in response.json()["jobs"][0]["reason"]


def test_missing_or_malformed_capture_time(camera, client):
    _, token = camera
    response = client.post("/api/cameras/frames/", {"frame": [_upload("f.jpg", _frame())]},
                           HTTP_AUTHORIZATION=f"Camera {token}")
    assert response.status_code == 400 and "capture time missing" in response.json()["jobs"][0]["reason"]


def test_unknown_and_revoked_tokens_keep_the_bytes(camera, client, administrator):
    cam, token = camera
    response = _post(client, "forged", [_upload("f.jpg", _frame())])
    assert response.status_code == 401
    job = FrameJob.objects.get(pk=response.json()["jobs"][0]["id"])
    assert job.camera is None and job.status == "rejected" and "camera token" in job.reason
    camera_revoke_token(camera=cam, by=administrator)
    response = _post(client, token, [_upload("g.jpg", _frame(seed=2))])
    assert response.status_code == 401
    assert _post(client, None, []).status_code == 401


def test_mobile_units_send_coordinates(administrator, home_agency, client):
    cam = factories.camera(home_agency, "Patrol unit", kind="mobile", latitude=None, longitude=None)
    token = camera_issue_token(camera=cam, by=administrator)
    response = _post(client, token, [_upload("f.jpg", _frame())])
    assert "coordinates" in response.json()["jobs"][0]["reason"]
    response = _post(client, token, [_upload("f2.jpg", _frame(seed=3))], latitude="37.80", longitude="-122.27")
    assert response.status_code == 202
    response = _post(client, token, [_upload("f3.jpg", _frame(seed=4))], latitude="137", longitude="-122.27")
    assert "latitude out of range" in response.json()["jobs"][0]["reason"]


def test_the_sweeper_requeues_lost_jobs_and_processing_is_idempotent(camera, django_capture_on_commit_callbacks):
    cam, _ = camera
    job, _ = services.frame_receive(camera=cam, data=_frame(), source=FrameJob.Source.CAMERA,
                                    captured_at=timezone.now())  # on_commit never ran: the task was "lost"
    assert job.status == FrameJob.Status.RECEIVED
    assert services.sweep_stuck() == []  # not stuck yet
    later = timezone.now() + timedelta(minutes=10)
    services.sweep_stuck(now=later)
    job.refresh_from_db()
    assert job.status == FrameJob.Status.DONE
    reads = Read.objects.filter(ingest_job=job).count()
    services.frame_process(job.pk)  # a second delivery
    assert Read.objects.filter(ingest_job=job).count() == reads


def test_a_second_delivery_cannot_claim_a_job_another_delivery_holds(camera, monkeypatch):
    # Issue 17: a redelivered task and the sweeper's re-queued one both reached a job and
    # both ran OCR on the frame. The claim is a compare-and-swap: the loser does nothing.
    cam, _ = camera
    job, _ = services.frame_receive(camera=cam, data=_frame(), source=FrameJob.Source.CAMERA,
                                    captured_at=timezone.now())  # on_commit never ran: nobody holds it
    assert services.frame_claim(job.pk, claim="delivery-1") is True
    assert services.frame_claim(job.pk, claim="delivery-2") is False

    ocr_runs = []
    monkeypatch.setattr("ingest.ocr.read_plates", lambda image: ocr_runs.append(image) or [])
    services.frame_process(job.pk, claim="delivery-2")
    job.refresh_from_db()
    assert ocr_runs == []
    assert (job.status, job.claimed_by, job.attempts) == (FrameJob.Status.PROCESSING, "delivery-1", 1)
    assert not Read.objects.filter(ingest_job=job).exists()


def test_the_same_delivery_continues_its_job_and_a_stale_one_is_taken_over(camera, settings):
    cam, _ = camera
    job, _ = services.frame_receive(camera=cam, data=_frame(), source=FrameJob.Source.CAMERA,
                                    captured_at=timezone.now())
    assert services.frame_claim(job.pk, claim="task-1")
    # A retry or a killed worker's redelivery keeps the task id: it may go on.
    assert services.frame_claim(job.pk, claim="task-1")
    # The holder has been quiet for longer than the sweeper waits: another delivery wins once.
    later = timezone.now() + timedelta(seconds=settings.ALPR_INGEST_STUCK_SECONDS + 1)
    assert services.frame_claim(job.pk, claim="sweeper-task", now=later)
    assert not services.frame_claim(job.pk, claim="task-1", now=later)
    services.frame_process(job.pk, claim="sweeper-task")
    job.refresh_from_db()
    assert job.status == FrameJob.Status.DONE and job.attempts == 4
    assert Read.objects.filter(ingest_job=job).count() == job.reads_count >= 1
    services.frame_process(job.pk, claim="task-1")  # the old holder comes back: nothing happens
    assert Read.objects.filter(ingest_job=job).count() == job.reads_count


def test_the_upload_page(personas, officer, camera, client, django_capture_on_commit_callbacks):
    cam, _ = camera
    client.force_login(officer)
    assert client.get(reverse("ingest:index")).status_code == 404
    client.force_login(personas["pst"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ingest:index"), {
            "camera": cam.pk, "captured_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "frames": [_upload("good.jpg", _frame()), _upload("bad.jpg", b"nope")]})
    assert response.status_code == 302
    page = client.get(reverse("ingest:jobs")).content.decode()
    assert "bad.jpg" in page and "not a JPEG or PNG" in page and "good.jpg" in page and "Done" in page
