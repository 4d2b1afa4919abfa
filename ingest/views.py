from django.contrib.auth.decorators import login_required
from django.shortcuts import render

AREA = {
    "title": "Upload frames",
    "what": "Camera frames in, plate reads out through the OCR pipeline.",
    "issue": "Ingest (RD-2)",
}


@login_required
def index(request):
    # Not built yet: the page says so plainly rather than pretending.
    return render(request, "placeholder.html", {"area": AREA})
