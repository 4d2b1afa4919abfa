from django.contrib.auth.decorators import login_required
from django.shortcuts import render

AREA = {
    "title": "Reads, hits and search",
    "what": "Live hot-list alerts, the hit workflow, and investigative search.",
    "issue": "Reads, hits and investigative search (RD-, HT-, Q-)",
}


@login_required
def index(request):
    # Not built yet: the page says so plainly rather than pretending.
    return render(request, "placeholder.html", {"area": AREA})
