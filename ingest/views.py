from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from accesslog.actions import Action
from accesslog.services import record_access
from accounts import roles
from accounts.middleware import background_poll
from alpr.selectors.cameras import shift_check_covers
from ingest.forms import UploadForm
from ingest.models import FrameJob
from ingest.services import frame_receive
from ingest.upload_results import recent_jobs_with_reads, upload_message

UPLOADERS = (roles.PST, roles.CRIME_ANALYST, roles.ADMINISTRATOR)


def _jobs_for(user):
    return recent_jobs_with_reads(user)  # issue 21 §3: each frame's plates as they are read


@login_required
def index(request):
    """Browser upload (RD-2) for authorized staff, with each job's progress and outcome."""
    user = request.user
    if not user.has_role(*UPLOADERS):
        raise Http404
    form = UploadForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if len(data["frames"]) > settings.ALPR_INGEST_MAX_FRAMES_PER_REQUEST:
            form.add_error("frames", f"At most {settings.ALPR_INGEST_MAX_FRAMES_PER_REQUEST} frames at once.")
        else:
            outcomes = [frame_receive(camera=data["camera"], data=f.read(), source=FrameJob.Source.UPLOAD,
                                      captured_at=data["captured_at"], original_name=f.name,
                                      content_type=f.content_type, latitude=data["latitude"],
                                      longitude=data["longitude"], submitted_by=user,
                                      size=f.size, sha256=getattr(f, "sha256", None))
                        for f in data["frames"]]
            record_access(action=Action.INGEST_UPLOAD, user=user, request=request, object_type="camera",
                          object_id=data["camera"].pk, data_elements={"jobs": [j.pk for j, _ in outcomes]})
            rejected = [j for j, _ in outcomes if j.status == FrameJob.Status.REJECTED]
            if rejected:
                messages.error(request, f"{len(rejected)} of {len(outcomes)} frames rejected: "
                               + "; ".join(f"{j.original_name}: {j.reason}" for j in rejected))
            if len(rejected) < len(outcomes):
                messages.success(request, upload_message([j.pk for j, _ in outcomes]))  # issue 21 §3
                camera, captured_at = data["camera"], data["captured_at"] or timezone.now()
                if not shift_check_covers(camera, captured_at):
                    # CAM-1 (001 Alameda §(b)4): kept, and each read is flagged; the uploader is told why.
                    messages.warning(request, f"{camera.name} had no passed start-of-shift check covering "
                                              f"{timezone.localtime(captured_at):%Y-%m-%d %H:%M}: its reads are "
                                              "kept and flagged as such.")
            return redirect("ingest:index")
    return render(request, "ingest/index.html", {"form": form, "jobs": _jobs_for(user)},
                  status=400 if form.errors else 200)


@background_poll
@login_required
def jobs(request):
    """Polled by the upload page (htmx): job statuses refresh by themselves."""
    if not request.user.has_role(*UPLOADERS):
        raise Http404
    return render(request, "ingest/_jobs.html", {"jobs": _jobs_for(request.user)})
