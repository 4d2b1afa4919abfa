"""A read's page and its signed image links (RD-3, Q-5). Thin views: forms in, services
and selectors do the work, every access is logged."""

from __future__ import annotations

import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render

from accesslog.actions import Action
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
        form = ReadAccessForm(request.GET if ("case_number" in request.GET or "reason" in request.GET) else None)
        if not form.is_bound or not form.is_valid():
            return render(request, "alpr/read_access.html", {"form": form, "read_id": pk})
        search_obj, purpose = None, ""
        case_number, reason = form.cleaned_data["case_number"].strip(), form.cleaned_data["reason"].strip()
        # Q-6 (issue 19): the reason typed to open a read is screened like a search's.
        screening = screen(reason, fields={"case_number": case_number})
        screening_record(result=screening, where="read", text=reason, user=user, request=request,
                         object_type="read", object_id=read.pk, case_number=case_number)
        if screening.refused:
            form.add_error(None, f"Refused: {screening.message()} This attempt has been recorded.")
            return render(request, "alpr/read_access.html", {"form": form, "read_id": pk}, status=403)
        flag_detail = f"[flagged for audit] {screening.message()}" if screening.flagged else ""
    record_access(action=Action.READ_VIEW, user=user, request=request, object_type="read", object_id=read.pk,
                  data_elements={"plate": read.plate, "search": search_obj.pk if search_obj else None},
                  purpose=purpose or reason, case_number=case_number, detail=flag_detail)
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
