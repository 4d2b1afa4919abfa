"""alpr's pages, one module per concept (issue 17 part 3). Thin views: forms in,
services and selectors do the work, every access is logged.

- `hits`: the live alerts (HT-1, HT-4) and the hit pages: workflow steps, stop (HT-2, HT-3).
- `searches`: investigative search, results, CSV export, evidence package, records (Q-1..Q-6).
- `reads`: a read's page and its signed image links (RD-3, Q-5).
- `retention`: purge runs and legal holds (RT-1..RT-3).

The URL names (alpr/urls.py) are unchanged by the split.
"""

from django.http import Http404


def require_role(user, *allowed):
    # Outside their role, pages do not exist (404), the same as an object that is not theirs.
    if not user.has_role(*allowed):
        raise Http404
