from django.contrib.auth.decorators import login_required
from django.shortcuts import render

AREA = {
    "title": "Inter-agency sharing",
    "what": "Sharing requests, the 3-step protocol, the refusals the law requires, and fulfilment packages.",
    "issue": "Inter-agency sharing (SH-1..7)",
}


@login_required
def index(request):
    # Not built yet: the page says so plainly rather than pretending.
    return render(request, "placeholder.html", {"area": AREA})
