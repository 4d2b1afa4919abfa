from django.contrib.auth.decorators import login_required
from django.shortcuts import render

AREA = {
    "title": "Hot lists",
    "what": (
        "Hot lists (SVS, NCIC, CA DOJ, Amber/Silver/Blue, custom BOLO), entry requests with approval, "
        "30-day expiry and real-time matching."
    ),
    "issue": "Hot lists (HL-1..6)",
}


@login_required
def index(request):
    # Not built yet: the page says so plainly rather than pretending.
    return render(request, "placeholder.html", {"area": AREA})
