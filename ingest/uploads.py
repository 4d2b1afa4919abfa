"""Frame uploads never put more than a frame's worth on disk (issue 18, defect 5).

Django's default handlers spool every uploaded file to a temporary file in full, and the
intake used to store a rejected file whole: a member (or a camera token) could send
twenty 100 MB "frames" per request and leave 2 GB behind. Here:

- `RequestBodyLimitMiddleware` refuses a frame request whose declared body is larger
  than ALPR_INGEST_MAX_REQUEST_BYTES before anything is read (413). The reverse proxy
  should refuse it first (README: client_max_body_size).
- `BoundedFrameUploadHandler`, on the frame-receiving URLs only, hashes every byte of
  each file but keeps at most ALPR_INGEST_MAX_BYTES of it; an oversized file arrives
  flagged with its true size and SHA-256, and the intake keeps only a bounded prefix
  as evidence (ingest.services.frame_receive).
"""

from __future__ import annotations

import hashlib
import logging
import tempfile

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpResponse, JsonResponse

from lib.errors import error_body

logger = logging.getLogger(__name__)

# The URLs that receive frames: the camera API, the browser upload page, and the edge
# cameras' read endpoints (issue 22: images as multipart files or base64).
FRAME_PATHS = ("/api/cameras/frames/", "/ingest/", "/api/cameras/reads/", "/api/cameras/reads/openalpr/",
               "/api/cameras/reads/platerecognizer/")


def is_frame_request(request) -> bool:
    return request.method == "POST" and request.path in FRAME_PATHS


class BoundedUpload(UploadedFile):
    """An uploaded frame of which at most `kept` bytes were kept; `size` and `sha256`
    describe the whole file as sent."""

    def __init__(self, file, *, name, content_type, size, charset, sha256: str, kept: int):
        super().__init__(file, name, content_type, size, charset)
        self.sha256 = sha256
        self.kept = kept

    @property
    def oversized(self) -> bool:
        return self.size > self.kept


class BoundedFrameUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS; passes everything through on other URLs (hot-list
    files, training imports and documents have limits of their own)."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.active = self.request is not None and is_frame_request(self.request)
        if self.active:
            self.limit = settings.ALPR_INGEST_MAX_BYTES
            self.digest = hashlib.sha256()
            self.size = 0
            self.kept = 0
            # Closed with the request, like Django's own upload files.
            self.file = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115

    def receive_data_chunk(self, raw_data, start):
        if not self.active:
            return raw_data
        self.digest.update(raw_data)
        self.size += len(raw_data)
        room = self.limit - self.kept
        if room > 0:
            part = raw_data[:room]
            self.file.write(part)
            self.kept += len(part)
        return None  # consumed: the default handlers never see (or spool) this file

    def file_complete(self, file_size):
        if not self.active:
            return None
        self.file.seek(0)
        upload = BoundedUpload(self.file, name=self.file_name, content_type=self.content_type, size=self.size,
                               charset=self.charset, sha256=self.digest.hexdigest(), kept=self.kept)
        if upload.oversized:
            logger.warning("oversized frame upload name=%s bytes=%s kept=%s sha256=%s", self.file_name, self.size,
                           self.kept, upload.sha256)
        return upload


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_frame_request(request):
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            limit = settings.ALPR_INGEST_MAX_REQUEST_BYTES
            if declared > limit:
                logger.warning("frame request refused path=%s bytes=%s limit=%s", request.path, declared, limit)
                message = f"Request too large: {declared:,} bytes (limit {limit:,}). Send fewer or smaller frames."
                if request.path.startswith("/api/"):
                    return JsonResponse(error_body("request_too_large", message), status=413)
                return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
