from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accesslog.actions import Action
from accesslog.services import record_access
from accounts import roles
from accounts.models import User
from lib import csvsafe
from training.forms import TrainingImportForm, TrainingRecordForm
from training.models import TrainingRecord
from training.selectors import training_status, training_statuses
from training.services.imports import import_training_csv
from training.services.records import training_record_create

ROSTER_ROLES = (roles.COORDINATOR, roles.AUDITOR, roles.ADMINISTRATOR)


def required(request):
    """Shown by the training gate; reachable without current training by design."""
    status = training_status(user=request.user) if request.user.is_authenticated else None
    return render(request, "training/required.html", {"status": status}, status=403 if status else 200)


def _roster(request):
    today = timezone.localdate()
    members = (User.objects.filter(groups__name__in=roles.ALL_ROLES, is_active=True).select_related("agency")
               .distinct().order_by("last_name", "username"))
    unit = request.GET.get("unit", "").strip()
    if unit:
        members = members.filter(unit__icontains=unit)
    wanted = request.GET.get("status", "")
    members = list(members)
    statuses = training_statuses(users=members, today=today)  # one query, not one per member
    rows = [(m, statuses[m.pk]) for m in members]
    if wanted:
        rows = [(m, s) for m, s in rows if s.state == wanted]
    return rows


@login_required
def index(request):
    """Training roster (TR-2): everyone with ALPR access and whether they are current."""
    user = request.user
    if not user.has_role(*ROSTER_ROLES):
        raise Http404
    can_enter = user.has_perm("training.add_trainingrecord")
    form = TrainingRecordForm(request.POST or None, request.FILES or None) if can_enter else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            training_record_create(entered_by=user, request=request, **form.cleaned_data)
            messages.success(request, "Training record saved.")
            return redirect("training:index")
    return render(request, "training/index.html", {
        "roster": _roster(request), "form": form, "import_form": TrainingImportForm() if can_enter else None,
        "filters": {"unit": request.GET.get("unit", ""), "status": request.GET.get("status", "")}})


@login_required
def roster_export(request):
    if not request.user.has_role(*ROSTER_ROLES):
        raise Http404
    rows = _roster(request)
    record_access(action=Action.TRAINING_ROSTER_EXPORT, user=request.user, request=request, object_type="roster",
                  data_elements={"rows": len(rows)})
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="training-roster.csv"'
    writer = csvsafe.writer(response)
    writer.writerow(["username", "name", "serial", "unit", "status", "valid_until", "course"])
    for member, status in rows:
        writer.writerow([member.username, member.get_full_name(), member.serial_number or "", member.unit,
                         status.state, status.valid_until or "", str(status.record.course) if status.record else ""])
    return response


@login_required
def import_records(request):
    if request.method != "POST" or not request.user.has_perm("training.add_trainingrecord"):
        raise Http404
    form = TrainingImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose a CSV file.")
        return redirect("training:index")
    result = import_training_csv(data=form.cleaned_data["file"].read(), entered_by=request.user, request=request)
    if result.errors:
        messages.error(request, "Nothing imported. " + " ".join(result.errors[:50]))
    else:
        messages.success(request, f"Imported {result.created} training records.")
    return redirect("training:index")


@login_required
def certificate(request, pk: int):
    """A certificate is private: the member, and the roster roles, may open it."""
    record = TrainingRecord.objects.filter(pk=pk).select_related("member").first()
    user = request.user
    if record is None or not record.certificate or not (record.member_id == user.pk or user.has_role(*ROSTER_ROLES)):
        raise Http404
    record_access(action=Action.TRAINING_CERTIFICATE_VIEW, user=user, request=request, object_type="training_record",
                  object_id=record.pk)
    return FileResponse(record.certificate.open("rb"), as_attachment=True,
                        filename=f"certificate-{record.pk}.{record.certificate.name.rsplit('.', 1)[-1]}")
