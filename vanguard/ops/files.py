"""Sending an uploaded file after the view has checked access — the one place every
file-serving view answers through.

Uploaded files are never served from MEDIA_URL. Behind nginx with
`VANGUARD_X_ACCEL_REDIRECT=/protected-media/`, the view answers with an empty response
carrying `X-Accel-Redirect: /protected-media/<name>` and nginx sends the file from its
`internal` location (deploy/nginx/vanguard.conf), so a Python worker is not held for the
whole download; unset, Django streams the file itself.
"""

from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header


def send_file(field_file, *, filename: str | None = None, as_attachment: bool = True):
    filename = filename or field_file.name.rsplit("/", 1)[-1]
    prefix = settings.VANGUARD_X_ACCEL_REDIRECT
    if prefix:
        response = HttpResponse(content_type="application/octet-stream")
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(field_file.name)
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
        return response
    return FileResponse(field_file.open("rb"), as_attachment=as_attachment, filename=filename)
