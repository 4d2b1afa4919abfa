"""REST API for hot lists, entry requests, imports, and the mobile units' list download."""

from __future__ import annotations

import hashlib

from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accesslog.actions import Action
from accesslog.models import AccessEvent
from accesslog.services import record_access
from accounts import roles
from accounts.mfa import reauthentication_response
from accounts.models import Designation
from accounts.selectors import approval_authority
from alpr.devices import camera_from_request
from config.api import ErrorSerializer
from hotlists import selectors
from hotlists.matching import current_version
from hotlists.models import FeedImport, Hotlist, HotlistEntry, HotlistEntryRequest
from hotlists.screening import permitted_sources
from hotlists.services import feeds
from hotlists.services.entries import WORKFLOW, request_submit
from lib.errors import error_body


class HotlistOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    source = serializers.CharField()
    kind = serializers.CharField()
    is_external = serializers.BooleanField()
    purpose = serializers.CharField()
    active_entries = serializers.IntegerField()


class RequestOutput(serializers.ModelSerializer):
    hotlist = serializers.CharField(source="hotlist.name")
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = HotlistEntryRequest
        fields = ["id", "hotlist", "case_number", "plate", "pattern", "major_crime", "state", "vehicle_description",
                  "justification", "requester_name", "requester_serial", "entered_at", "status", "decided_at",
                  "decision_reason", "designation", "expires_at", "renews", "available_actions"]

    def get_available_actions(self, obj) -> list[str]:
        return [t.name for t in WORKFLOW.available(obj.status) if t.name not in ("expire", "renew")]


class ImportOutput(serializers.ModelSerializer):
    class Meta:
        model = FeedImport
        fields = ["id", "hotlist", "file_name", "sha256", "started_at", "finished_at", "status", "error",
                  "rows_read", "added", "updated", "removed", "unchanged", "rejected_count", "rejected_rows"]


class HotlistListApi(APIView):
    @extend_schema(responses=HotlistOutput(many=True))
    def get(self, request):
        lists = [lst for lst, _ in selectors.lists_overview(request.user)]
        return Response(HotlistOutput(lists, many=True).data)


class RequestListApi(APIView):
    class EntryRequestInput(serializers.Serializer):
        hotlist = serializers.PrimaryKeyRelatedField(queryset=Hotlist.objects.filter(is_external=False, active=True))
        case_number = serializers.CharField(max_length=64)
        plate = serializers.CharField(max_length=14, required=False, allow_blank=True, default="")
        pattern = serializers.CharField(max_length=14, required=False, allow_blank=True, default="")
        major_crime = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        state = serializers.CharField(max_length=2)
        vehicle_description = serializers.CharField(max_length=200)
        justification = serializers.CharField(max_length=4000)
        renews = serializers.IntegerField(required=False, allow_null=True, default=None)

    @extend_schema(responses=RequestOutput(many=True), summary="My requests; ?queue=1 for the approval queue")
    def get(self, request):
        if request.query_params.get("queue"):
            if approval_authority(user=request.user, scope=Designation.Scope.HOTLIST_APPROVAL) is None:
                raise Http404
            rows = selectors.approval_queue()
        else:
            rows = HotlistEntryRequest.objects.filter(requester=request.user).select_related("hotlist")
        return Response(RequestOutput(rows[:500], many=True).data)

    @extend_schema(request=EntryRequestInput, responses={201: RequestOutput, 400: ErrorSerializer,
                                                         403: ErrorSerializer})
    def post(self, request):
        data = self.EntryRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        renews_id = d.pop("renews")
        renews = None
        if renews_id:
            renews = selectors.request_for_user(user=request.user, pk=renews_id)
            if renews.requester_id != request.user.pk:
                raise Http404
        req = request_submit(requester=request.user, renews=renews, request=request, **d)
        return Response(RequestOutput(req).data, status=status.HTTP_201_CREATED)


class RequestDetailApi(APIView):
    @extend_schema(responses={200: RequestOutput, 404: ErrorSerializer})
    def get(self, request, pk: int):
        req = selectors.request_for_user(user=request.user, pk=pk)
        record_access(action=Action.HOTLIST_REQUEST_VIEW, user=request.user, request=request,
                      object_type="hotlist_request", object_id=req.pk, case_number=req.case_number)
        return Response(RequestOutput(req).data)


class RequestDecisionApi(APIView):
    class DecisionInput(serializers.Serializer):
        action = serializers.ChoiceField(choices=["approve", "disapprove", "ask_removal", "confirm_removal"])
        note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

    @extend_schema(request=DecisionInput, responses={200: RequestOutput, 400: ErrorSerializer, 403: ErrorSerializer,
                                                     404: ErrorSerializer, 409: ErrorSerializer})
    def post(self, request, pk: int):
        from hotlists.views import ACTIONS

        req = selectors.request_for_user(user=request.user, pk=pk)
        data = self.DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        # Issue 8: a decision needs a person signed in within the last 15 minutes, so an API
        # token alone cannot approve (it carries no second factor). Checked for those who
        # hold the authority; anyone else gets the service's refusal.
        holds_authority = approval_authority(user=request.user, scope=Designation.Scope.HOTLIST_APPROVAL) is not None
        if holds_authority and (refusal := reauthentication_response(request)) is not None:
            return refusal
        req = ACTIONS[data.validated_data["action"]](req, request.user, data.validated_data["note"], request)
        return Response(RequestOutput(req).data)


class ImportApi(APIView):
    parser_classes = [MultiPartParser]

    class ImportInput(serializers.Serializer):
        hotlist = serializers.PrimaryKeyRelatedField(queryset=Hotlist.objects.filter(is_external=True, active=True))
        file = serializers.FileField()
        force = serializers.BooleanField(required=False, default=False)

    # 400: the import refused (its record says why) or the form invalid (the error shape).
    @extend_schema(request=ImportInput, responses={
        201: ImportOutput, 404: ErrorSerializer,
        400: PolymorphicProxySerializer(component_name="ImportRefusal", serializers=[ImportOutput, ErrorSerializer],
                                        resource_type_field_name=None)})
    def post(self, request):
        if not request.user.has_role(roles.ADMINISTRATOR):
            raise Http404
        data = self.ImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        result = feeds.import_feed(hotlist=data.validated_data["hotlist"], data=upload.read(), file_name=upload.name,
                                   by=request.user, force=data.validated_data["force"], request=request)
        code = status.HTTP_201_CREATED if result.status == FeedImport.Status.APPLIED else status.HTTP_400_BAD_REQUEST
        return Response(ImportOutput(result).data, status=code)


class ImportDetailApi(APIView):
    @extend_schema(responses={200: ImportOutput, 404: ErrorSerializer})
    def get(self, request, pk: int):
        return Response(ImportOutput(selectors.import_for_user(user=request.user, pk=pk)).data)


@require_GET
def device_hotlist(request):
    """DGO I-12 A.1: a mobile unit downloads the hot lists at the start of a shift and
    compares locally. Alert lists only, never covert entries. The version is the ETag,
    so an unchanged list costs a 304. Every download is logged."""
    camera = camera_from_request(request)
    if camera is None:
        record_access(action=Action.HOTLIST_DEVICE_DOWNLOAD, request=request, outcome=AccessEvent.Outcome.DENIED,
                      detail="missing, unknown or revoked camera token")
        return JsonResponse(error_body("not_authenticated", "Send a valid camera token."), status=401)
    version = current_version()
    # The permitted sources are part of the version: narrowing them (issue 19 §5) must
    # reach units holding the old list even when no list changed.
    policy = hashlib.sha256(",".join(sorted(permitted_sources())).encode()).hexdigest()[:8]
    etag = f'"hotlists-{version}-{policy}"'
    if request.META.get("HTTP_IF_NONE_MATCH") == etag:
        record_access(action=Action.HOTLIST_DEVICE_DOWNLOAD, request=request, object_type="camera", object_id=camera.pk,
                      data_elements={"version": version, "not_modified": True}, username=f"camera:{camera.name}")
        response = HttpResponse(status=304)
        response["ETag"] = etag
        return response
    now = timezone.now()
    rows = (HotlistEntry.objects.filter(status=HotlistEntry.Status.ACTIVE, hotlist__active=True,
                                        hotlist__source__in=permitted_sources(),  # HL-1, issue 19 §5
                                        hotlist__kind=Hotlist.Kind.ALERT, active_from__lte=now)
            .exclude(expires_at__lte=now).values_list("plate", "pattern", "state", "hotlist__source", "expires_at"))
    entries, patterns = [], []
    for plate, pattern, state, source, expires in rows.iterator(chunk_size=20_000):
        item = [plate or pattern, state, source, int(expires.timestamp()) if expires else None]
        (patterns if pattern else entries).append(item)
    record_access(action=Action.HOTLIST_DEVICE_DOWNLOAD, request=request, object_type="camera", object_id=camera.pk,
                  data_elements={"version": version, "entries": len(entries), "patterns": len(patterns)},
                  username=f"camera:{camera.name}")
    response = JsonResponse({"version": version, "generated_at": now.isoformat(),
                             "columns": ["plate", "state", "source", "expires_at"],
                             "entries": entries, "patterns": patterns})
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response
