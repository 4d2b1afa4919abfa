"""SH-5: fulfilment. Exactly the approved scope (the plates or cameras named, inside the
window), nothing more; extraction and every download are logged; only the processor who
made the package (or the ALPR Administrator) downloads it, until it expires."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accesslog.actions import Action
from accesslog.services import record_access
from accounts import roles
from alpr import evidence
from lib.errors import DomainError, NotPermitted
from sharing.models import SharingPackage, SharingRequest
from sharing.selectors import processor_authority, scope_reads


@transaction.atomic
def package_build(*, req: SharingRequest, by, request=None) -> SharingPackage:
    req = SharingRequest.objects.select_for_update().get(pk=req.pk)
    if processor_authority(by) is None:
        raise NotPermitted("Only authorized personnel extract shared data (SH-5).")
    if req.status != SharingRequest.Status.HONOURED:
        raise DomainError("Only an honoured request is fulfilled.")
    if SharingPackage.objects.filter(request=req).exists():
        raise DomainError("This request already has its package.")
    reads = list(scope_reads(req).select_related("agency"))
    # Issue 22: the package is an evidence package (CSV, reads.json with its schema, a PDF
    # summary with the images for court, the images, a manifest of SHA-256).
    built = evidence.build(
        reads=reads, prepared_by=by, title=f"ALPR data shared under request {req.pk}",
        details=[("Requesting agency", req.agency.name), ("Case number", req.case_number or ""),
                 ("Plates", ", ".join(req.plate_list) or "(none)"),
                 ("Cameras", ", ".join(req.cameras.values_list("name", flat=True)) or "(none)"),
                 ("Window", f"{timezone.localtime(req.window_from):%Y-%m-%d %H:%M} to "
                            f"{timezone.localtime(req.window_to):%Y-%m-%d %H:%M}")],
        manifest={
            "request": req.pk, "agency": req.agency.name, "case_number": req.case_number,
            "scope": {"plates": req.plate_list, "cameras": list(req.cameras.values_list("name", flat=True)),
                      "from": req.window_from.isoformat(), "to": req.window_to.isoformat()},
        },
    )
    data, digest, manifest, images = built.data, built.sha256, built.manifest, built.images
    package = SharingPackage(request=req, created_by=by, reads_count=len(reads), images_count=images,
                             manifest=manifest, sha256=digest,
                             expires_at=timezone.now() + timedelta(days=settings.ALPR_SHARING_PACKAGE_DAYS))
    package.file.save(f"request-{req.pk}-{digest[:12]}.zip", ContentFile(data), save=False)
    package.save()
    record_access(action=Action.SHARING_PACKAGE_BUILD, user=by, request=request, object_type="sharing_request",
                  object_id=req.pk, data_elements={"reads": len(reads), "images": images, "sha256": digest,
                                                    "plates": req.plate_list}, case_number=req.case_number)
    return package


def package_for_download(*, package: SharingPackage, by, request=None) -> SharingPackage:
    if not (by.pk == package.created_by_id or by.has_role(roles.ADMINISTRATOR)):
        raise NotPermitted("Only the processor who made the package downloads it.")
    if package.expires_at <= timezone.now():
        raise DomainError("The package has expired.")
    SharingPackage.objects.filter(pk=package.pk).update(downloads=package.downloads + 1)
    record_access(action=Action.SHARING_PACKAGE_DOWNLOAD, user=by, request=request, object_type="sharing_request",
                  object_id=package.request_id, data_elements={"sha256": package.sha256},
                  case_number=package.request.case_number)
    return package
