"""REST API for hits, searches and reads: the same services, selectors, purpose rules and
access log as the web UI. One view per operation with its own input/output serializers."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accesslog.actions import Action
from accesslog.services import record_access
from accounts import roles
from alpr.criteria import Criteria, build_criteria
from alpr.images import image_url
from alpr.models import DispositionCode, Hit, Search
from alpr.selectors.hits import hit_for_user, hits_visible_to, served_read
from alpr.selectors.reads import read_in_search, reads_for_query
from alpr.selectors.searches import search_for_user
from alpr.services import hits as hit_service
from alpr.services.search import SearchRefused, search_run
from config.api import PAGE_PARAMETERS, ErrorSerializer, StrictLimitOffsetPagination, paginated
from lib.geo import MAX_SEARCH_VERTICES


class ReadOutput(serializers.Serializer):
    id = serializers.IntegerField()
    plate = serializers.CharField()
    plate_raw = serializers.CharField()
    state = serializers.CharField()
    confidence = serializers.FloatField(allow_null=True)
    captured_at = serializers.DateTimeField()
    uploaded_at = serializers.DateTimeField()
    camera = serializers.CharField(source="camera.name")
    camera_id = serializers.IntegerField()
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    plate_box = serializers.ListField(child=serializers.IntegerField(), allow_null=True)
    vehicle_color = serializers.CharField()
    vehicle_make = serializers.CharField()
    vehicle_type = serializers.CharField()
    frame_url = serializers.SerializerMethodField()
    crop_url = serializers.SerializerMethodField()

    def _image(self, obj, kind) -> str | None:
        if not getattr(obj, kind):
            return None
        url = image_url(read=obj, kind=kind, user=self.context["user"], api=True)
        return self.context["request"].build_absolute_uri(url)

    def get_frame_url(self, obj) -> str | None:
        return self._image(obj, "frame")

    def get_crop_url(self, obj) -> str | None:
        return self._image(obj, "crop")


class StopReportOutput(serializers.Serializer):
    responding_member = serializers.CharField(source="responding_member.username")
    justification = serializers.CharField()
    case_number = serializers.CharField()
    disposition = serializers.CharField(source="disposition.code")
    responded_at = serializers.DateTimeField()
    next_steps = serializers.CharField()


class HitOutput(serializers.Serializer):
    id = serializers.IntegerField()
    plate = serializers.CharField()
    status = serializers.ChoiceField(choices=Hit.Status.choices)
    reject_reason = serializers.CharField()
    is_covert = serializers.BooleanField()
    match_kind = serializers.CharField()
    substitutions = serializers.CharField()
    captured_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()
    camera = serializers.CharField(source="camera.name")
    hotlist = serializers.CharField(source="entry.hotlist.name")
    entry_reason = serializers.CharField(source="entry.reason")
    entry_state = serializers.CharField(source="entry.state")
    vehicle_description = serializers.CharField(source="entry.vehicle_description")
    available_transitions = serializers.SerializerMethodField()

    def get_available_transitions(self, obj) -> list[str]:
        return [t.name for t in hit_service.available_transitions(obj)]


class HitDetailOutput(HitOutput):
    read = serializers.SerializerMethodField()
    stop_report = serializers.SerializerMethodField()

    @extend_schema_field(ReadOutput(allow_null=True))
    def get_read(self, obj) -> dict | None:
        read = served_read(obj)  # RT-4: not once the read is past its retention
        return ReadOutput(read, context=self.context).data if read is not None else None

    @extend_schema(responses=StopReportOutput)
    def get_stop_report(self, obj) -> dict | None:
        report = getattr(obj, "stop_report", None)
        return StopReportOutput(report).data if report else None


def _ctx(request):
    return {"request": request, "user": request.user}


class HitListApi(APIView):
    @extend_schema(responses=paginated(HitOutput, "PaginatedHitList"), operation_id="hits_list",
                   parameters=[OpenApiParameter("status", str, enum=list(Hit.Status.values)), *PAGE_PARAMETERS],
                   summary="Hits visible to me (my agency's alerts; my covert hits)")
    def get(self, request):
        qs = hits_visible_to(request.user).select_related("camera", "entry__hotlist")
        status_filter = request.query_params.get("status")
        if status_filter is not None:
            if status_filter not in Hit.Status.values:
                raise serializers.ValidationError({"status": [f"One of: {', '.join(Hit.Status.values)}."]})
            qs = qs.filter(status=status_filter)
        paginator = StrictLimitOffsetPagination()
        page = paginator.paginate_queryset(qs.order_by("-created_at"), request, view=self)
        record_access(action=Action.HIT_LIST, user=request.user, request=request, object_type="hit",
                      data_elements={"ids": [h.pk for h in page]})
        return paginator.get_paginated_response(HitOutput(page, many=True, context=_ctx(request)).data)


class HitDetailApi(APIView):
    @extend_schema(responses={200: HitDetailOutput, 404: ErrorSerializer})
    def get(self, request, pk: int):
        hit = hit_for_user(user=request.user, pk=pk)
        record_access(action=Action.HIT_VIEW, user=request.user, request=request, object_type="hit", object_id=hit.pk,
                      data_elements={"plate": hit.plate}, case_number=hit.entry.case_number)
        return Response(HitDetailOutput(hit, context=_ctx(request)).data)


class HitTransitionApi(APIView):
    class HitTransitionInput(serializers.Serializer):
        transition = serializers.ChoiceField(choices=["verify", "validate", "confirm", "reject"])
        note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
        plate_matches = serializers.BooleanField(required=False, default=False)
        state_matches = serializers.BooleanField(required=False, default=False)
        vehicle_matches = serializers.BooleanField(required=False, default=False)
        clets_reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
        confirmed_by = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
        reject_reason = serializers.ChoiceField(choices=Hit.RejectReason.choices, required=False, allow_blank=True,
                                                default="")

    @extend_schema(request=HitTransitionInput, responses={200: HitDetailOutput, 400: ErrorSerializer,
                                                       403: ErrorSerializer, 404: ErrorSerializer,
                                                       409: ErrorSerializer})
    def post(self, request, pk: int):
        hit = hit_for_user(user=request.user, pk=pk)
        data = self.HitTransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        hit = hit_service.hit_transition(
            hit=hit, name=d["transition"], by=request.user, note=d["note"], reject_reason=d["reject_reason"],
            checks={k: d[k] for k in hit_service.VERIFY_CHECKS}, clets_reference=d["clets_reference"],
            confirmed_by=d["confirmed_by"], request=request,
        )
        return Response(HitDetailOutput(hit_for_user(user=request.user, pk=hit.pk),
                                        context=_ctx(request)).data)


class HitStopApi(APIView):
    class StopReportInput(serializers.Serializer):
        justification = serializers.CharField(max_length=2000)
        case_number = serializers.CharField(max_length=64)
        disposition = serializers.SlugRelatedField(slug_field="code",
                                                   queryset=DispositionCode.objects.filter(active=True))
        responded_at = serializers.DateTimeField()
        next_steps = serializers.CharField(max_length=2000)

    @extend_schema(request=StopReportInput, responses={201: StopReportOutput, 400: ErrorSerializer,
                                                       403: ErrorSerializer, 404: ErrorSerializer})
    def post(self, request, pk: int):
        hit = hit_for_user(user=request.user, pk=pk)
        data = self.StopReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = hit_service.stop_report_create(hit=hit, by=request.user, responding_member=request.user,
                                                request=request, **data.validated_data)
        return Response(StopReportOutput(report).data, status=status.HTTP_201_CREATED)


class SearchOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    purpose = serializers.CharField()
    offence_category = serializers.CharField()
    case_number = serializers.CharField()
    criteria = serializers.DictField()
    result_count = serializers.IntegerField(allow_null=True)
    refusal_reason = serializers.CharField()
    flagged_for_audit = serializers.BooleanField()
    flag_reason = serializers.CharField()


class SearchRunApi(APIView):
    class SearchInput(serializers.Serializer):
        purpose = serializers.CharField(allow_blank=True, max_length=32, help_text="One of the purposes of Q-1.")
        offence_category = serializers.CharField(
            max_length=32, help_text="A code from the configured offence categories (ALPR_OFFENCE_CATEGORIES).")
        case_number = serializers.CharField(allow_blank=True, max_length=64)
        justification = serializers.CharField(allow_blank=True, max_length=2000)
        attest = serializers.BooleanField(help_text="Reasonable suspicion, and no prohibited use (Q-6).")
        plate = serializers.CharField(required=False, allow_blank=True, default="", max_length=14)
        captured_from = serializers.DateTimeField()
        captured_to = serializers.DateTimeField()
        camera_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list,
                                           max_length=500)
        bbox = serializers.ListField(child=serializers.FloatField(), min_length=4, max_length=4, required=False,
                                     allow_null=True, default=None)
        polygon = serializers.ListField(
            child=serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2),
            max_length=MAX_SEARCH_VERTICES + 1, required=False, allow_null=True, default=None,
            help_text="Issue 21 §1: a closed ring of [latitude, longitude] points (the last the first again).")
        vehicle_color = serializers.CharField(required=False, allow_blank=True, default="", max_length=30)
        vehicle_make = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)
        vehicle_type = serializers.CharField(required=False, allow_blank=True, default="", max_length=30)

    @extend_schema(request=SearchInput, responses={201: SearchOutput, 400: ErrorSerializer,
                                                       403: ErrorSerializer})
    def post(self, request):
        if not request.user.has_role(*roles.SEARCH_ROLES):
            raise Http404
        data = self.SearchInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        criteria = build_criteria(
            captured_from=d["captured_from"], captured_to=d["captured_to"], plate=d["plate"],
            camera_ids=d["camera_ids"], bbox=d["bbox"], polygon=d["polygon"], vehicle_color=d["vehicle_color"],
            vehicle_make=d["vehicle_make"], vehicle_type=d["vehicle_type"],
        )
        try:
            search = search_run(user=request.user, purpose=d["purpose"], case_number=d["case_number"],
                                justification=d["justification"], attested=d["attest"], criteria=criteria,
                                offence_category=d["offence_category"], request=request)
        except SearchRefused as exc:
            return Response({"error": {"code": exc.code, "message": exc.message, "search_id": exc.search.pk,
                                       "flagged_for_audit": exc.search.flagged_for_audit}},
                            status=status.HTTP_403_FORBIDDEN)
        return Response(SearchOutput(search).data, status=status.HTTP_201_CREATED)


class SearchReadsApi(APIView):
    @extend_schema(responses={200: paginated(ReadOutput, "PaginatedReadList"), 404: ErrorSerializer},
                   operation_id="searches_reads_list",
                   parameters=PAGE_PARAMETERS,
                   summary="The reads a search returns (paginated, newest first)")
    def get(self, request, pk: int):
        if not request.user.has_role(*roles.SEARCH_ROLES):
            raise Http404
        search = search_for_user(user=request.user, pk=pk)
        if search.status != Search.Status.RUN:
            raise Http404
        criteria = Criteria.from_json(search.criteria)
        qs = reads_for_query(user=request.user, criteria=criteria).select_related("camera")
        paginator = StrictLimitOffsetPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        record_access(action=Action.SEARCH_RESULTS, user=request.user, request=request, object_type="search",
                      object_id=search.pk, data_elements={"reads": [r.pk for r in page]}, purpose=search.purpose,
                      case_number=search.case_number)
        return paginator.get_paginated_response(ReadOutput(page, many=True, context=_ctx(request)).data)


class SearchReadDetailApi(APIView):
    @extend_schema(responses={200: ReadOutput, 404: ErrorSerializer},
                   summary="One read from a search's results (Q-5: logged with the search's purpose and case)")
    def get(self, request, pk: int, read_id: int):
        if not request.user.has_role(*roles.SEARCH_ROLES):
            raise Http404
        search = search_for_user(user=request.user, pk=pk)
        read = read_in_search(user=request.user, search=search, read_id=read_id)
        record_access(action=Action.READ_VIEW, user=request.user, request=request, object_type="read",
                      object_id=read.pk,
                      data_elements={"plate": read.plate, "search": search.pk}, purpose=search.purpose,
                      case_number=search.case_number)
        return Response(ReadOutput(read, context=_ctx(request)).data)
