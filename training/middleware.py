from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import render

from accesslog.actions import Action
from accesslog.models import AccessEvent
from accesslog.services import record_access
from lib.errors import error_body
from training.gate import is_exempt, operator_refusal
from training.selectors import training_status


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


class TrainingGateMiddleware:
    """ID-4, enforced in one place for the web UI, the API and the admin.

    Runs after authentication (session and API token), so every caller is judged the
    same way. Anonymous callers go to the sign-in page (web) or get 401 (API); signed-in
    members without current training get 403 and the refusal is logged.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.user.is_authenticated:
            # Computed once per request; the navigation reads it too.
            request.training_status = training_status(user=request.user)
            # The services this request calls check the same gate (training.gate.
            # refuse_unless_operator): they reuse this status instead of querying again.
            request.user.alpr_training_status = request.training_status
        if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        if is_exempt(request.resolver_match, request.path):
            return None
        user = request.user
        if not user.is_authenticated:
            if _is_api(request):
                return JsonResponse(error_body("not_authenticated", "Sign in or send an API token."), status=401)
            return redirect_to_login(request.get_full_path())
        status = request.training_status
        refusal = operator_refusal(user, status)
        if refusal is None:
            return None
        record_access(
            action=Action.TRAINING_GATE_REFUSED,
            user=user,
            request=request,
            object_type="url",
            object_id=request.path[:64],
            outcome=AccessEvent.Outcome.DENIED,
            detail=refusal,
        )
        if not status.is_current:
            message = (
                "Your ALPR training is not current, so ALPR functions and data are closed to you "
                f"(DGO I-12 C.3.a). Contact {settings.ALPR_CONTACT} to record a completed course."
            )
        else:
            message = (
                "Your account has no recorded designation for ALPR use: members other than sworn officers "
                f"and PSTs are designated in writing first (DGO I-12 C.1). Contact {settings.ALPR_CONTACT}."
            )
        if _is_api(request):
            return JsonResponse(error_body("training_required", message), status=403)
        return render(request, "training/required.html", {"status": status, "message": message}, status=403)
