"""A read's page and its signed image links (RD-3, Q-5). Thin views: forms in, services
and selectors do the work, every access is logged."""

from __future__ import annotations

import logging
import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render

from accesslog.actions import Action
from accesslog.models import AccessEvent
from accesslog.services import record_access
from accounts import roles
from alpr.forms import ReadAccessForm
from alpr.images import image_claim
from alpr.prohibited import screen, screening_record
from alpr.selectors.hits import hits_visible_to
from alpr.selectors.reads import read_for_user, read_in_search
from alpr.selectors.retention import images_served
from alpr.selectors.searches import search_for_user
from alpr.views import require_role

logger = logging.getLogger(__name__)

# --- Reads (RD-3, Q-5) ------------------------------------------------------------------------

@login_required
def read_detail(request, pk: int):
    """A read is opened from a search's results (logged with that search's purpose and
    case number) or directly with a stated case number or reason (Q-5)."""
    user = request.user
    require_role(user, *roles.SEARCH_ROLES, *roles.ALERT_ROLES)
    search_id = request.GET.get("search")
    if search_id:
        if not search_id.isdigit():
            raise Http404
        search_obj = search_for_user(user=user, pk=int(search_id))
        read = read_in_search(user=user, search=search_obj, read_id=pk)
        purpose, case_number, reason = search_obj.purpose, search_obj.case_number, ""
        flag_detail = ""
    else:
        read = read_for_user(user=user, pk=pk)
        submitted = any(k in request.GET for k in ("purpose", "case_number", "reason"))
        form = ReadAccessForm(request.GET if submitted else None)
        if not submitted:
            return render(request, "alpr/read_access.html", {"form": form, "read_id": pk})
        search_obj = None
        reason = (request.GET.get("reason") or "").strip()[:500]
        case_number = (request.GET.get("case_number") or "").strip()[:64]
        # Q-6 first (issue 19), as a search: a prohibited use is refused and recorded
        # whatever else is wrong with the form.
        screening = screen(reason, fields={"case_number": case_number})
        screening_record(result=screening, where="read", text=reason, user=user, request=request,
                         object_type="read", object_id=read.pk, case_number=case_number)
        if screening.refused:
            form.is_valid()
            form.add_error(None, f"Refused: {screening.message()} This attempt has been recorded.")
            return render(request, "alpr/read_access.html", {"form": form, "read_id": pk}, status=403)
        if not form.is_valid():
            # ID-5 / Q-1: no stated purpose, no access; the attempt is on the record (AU-1).
            problem = " ".join(form.non_field_errors()) or "The form is not complete."
            record_access(action=Action.OBJECT_REFUSED, user=user, request=request, object_type="read",
                          object_id=read.pk, purpose=(request.GET.get("purpose") or "")[:64],
                          case_number=case_number, outcome=AccessEvent.Outcome.DENIED,
                          detail=f"Refused: {problem} Reason typed: {reason}")
            logger.warning("read %s refused to %s: %s", read.pk, user.username, problem)
            return render(request, "alpr/read_access.html", {"form": form, "read_id": pk}, status=400)
        purpose = form.cleaned_data["purpose"]
        case_number, reason = form.cleaned_data["case_number"], form.cleaned_data["reason"]
        flag_detail = f"[flagged for audit] {screening.message()}" if screening.flagged else ""
    record_access(action=Action.READ_VIEW, user=user, request=request, object_type="read", object_id=read.pk,
                  data_elements={"plate": read.plate, "search": search_obj.pk if search_obj else None},
                  purpose=purpose, case_number=case_number,
                  detail=" ".join(x for x in (flag_detail, f"Reason typed: {reason}" if reason else "") if x))
    visible_hits = hits_visible_to(user).filter(read=read).select_related("entry__hotlist")
    return render(request, "alpr/read_detail.html", {"read": read, "search": search_obj, "hits": visible_hits})


@login_required
def read_image(request, token: str):
    claim = image_claim(token, user=request.user)
    if claim is None:
        raise Http404
    read_id, kind = claim
    # The signature proves a permitted page minted the link for this member; the read's
    # own access rule is still applied (a role or covert visibility may have changed since).
    read = read_for_user(user=request.user, pk=read_id)
    if not getattr(read, kind) or not images_served(read):
        raise Http404  # RT-4: past the images' retention, before the purge clears them too
    content_type = mimetypes.guess_type(getattr(read, kind).name)[0] or "application/octet-stream"
    response = FileResponse(getattr(read, kind).open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=900"
    return response
