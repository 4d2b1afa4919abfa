from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts import roles
from accounts.models import User
from training import services
from training.forms import TrainingRecordForm
from training.selectors import training_status


def required(request):
    """Shown by the training gate; reachable without current training by design."""
    status = training_status(user=request.user) if request.user.is_authenticated else None
    return render(request, "training/required.html", {"status": status}, status=403 if status else 200)


@login_required
def index(request):
    """Training roster: everyone with an ALPR role and whether their training is current."""
    user = request.user
    if not user.has_role(roles.COORDINATOR, roles.AUDITOR, roles.ADMINISTRATOR):
        raise Http404
    can_enter = user.has_perm("training.add_trainingrecord")
    form = TrainingRecordForm(request.POST or None) if can_enter else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            services.training_record_create(entered_by=user, request=request, **form.cleaned_data)
            messages.success(request, "Training record saved.")
            return redirect("training:index")
    today = timezone.localdate()
    members = (
        User.objects.filter(groups__name__in=roles.ALL_ROLES, is_active=True)
        .select_related("agency")
        .distinct()
        .order_by("last_name", "username")
    )
    roster = [(member, training_status(user=member, today=today)) for member in members]
    return render(request, "training/index.html", {"roster": roster, "form": form})
