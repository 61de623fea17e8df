"""Uploaded files: size limits before the body is stored, type from the content, names never trusted.

- ``RequestSizeLimitMiddleware`` answers 413 (in Chinese) when Content-Length exceeds the limit, before
  Django reads the body; ``LimitedUploadHandler`` stops a chunked upload (no Content-Length) once it
  passes the limit, so a huge body is never written to disk.
- :func:`sniff` decides the type from the first bytes (PDF, JPEG, PNG, DOCX, XLSX); the file name's
  extension must agree. DOCX and XLSX are zip files: entry count and uncompressed size are checked.
- Files are stored under a random name; the client's name is kept only as display text, sanitised.
"""

from __future__ import annotations

import io
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponse

ALLOWED = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024


class UploadRejected(ValueError):
    """The message is Chinese and can be shown next to the file field."""


def max_upload_bytes() -> int:
    return int(getattr(settings, "GONGKAI_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


def sniff(head: bytes, data: bytes | None = None) -> str | None:
    """The extension the content really has, or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04") and data is not None:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                infos = zf.infolist()
                if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > MAX_ZIP_UNCOMPRESSED:
                    raise UploadRejected("压缩内容过大或文件数过多，已拒收。")
                names = {i.filename for i in infos}
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def display_name(name: str) -> str:
    """A safe display name: no path, no control or bidi characters, at most 120 characters."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip(" .") or "file"
    stem, dot, ext = name.rpartition(".")
    if len(name) > 120 and dot and len(ext) <= 10:
        return stem[: 119 - len(ext)].rstrip(" .") + "." + ext  # shortened, the extension kept
    return name[:120]


def check(upload: Any, allowed: set[str] | None = None) -> tuple[str, str]:
    """Validate an uploaded file; returns (extension, content type) or raises :class:`UploadRejected`."""
    allowed = allowed or set(ALLOWED)
    if upload.size > max_upload_bytes():
        raise UploadRejected(f"文件超过 {max_upload_bytes() // (1024 * 1024)} MB，请压缩后再上传。")
    name = display_name(upload.name or "")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    real = sniff(data[:16], data)
    if real is None or ext not in allowed:
        raise UploadRejected("只接受 " + "、".join(sorted(e.upper() for e in allowed)) + " 文件。")
    if {real, ext} <= {"jpg", "jpeg"} or real == ext:
        return real, ALLOWED[real]
    raise UploadRejected(f"文件内容与扩展名 .{ext} 不符，已拒收。")


def storage_name(prefix: str, ext: str) -> str:
    return f"{prefix}/{uuid.uuid4().hex}.{ext}"


def store(record: Any, upload: Any, prefix: str, allowed: set[str] | None = None) -> Any:
    """Check an upload (:func:`check`), fill ``record``'s ``name``, ``content_type`` and ``size``, write
    the file under a random name below ``prefix`` into ``record.file`` and save ``record``. If saving the
    row fails, the file is removed again, so no row ever points at a missing file and no file is left
    behind by a failed save. Raises :class:`UploadRejected` (Chinese message) for a refused file."""
    from django.core.files.base import ContentFile

    ext, content_type = check(upload, allowed)
    record.name = display_name(upload.name or f"file.{ext}")
    record.content_type = content_type
    record.size = upload.size or 0
    upload.seek(0)
    record.file.save(storage_name(prefix, ext), ContentFile(upload.read()), save=False)
    try:
        record.save()
    except BaseException:
        record.file.storage.delete(record.file.name)
        raise
    return record


class RequestSizeLimitMiddleware:
    """413 before the body is read when the declared length is over the limit (plus room for form fields)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_upload_bytes() + 1024 * 1024:
            response = HttpResponse(
                "<!doctype html><html lang=zh-Hans><meta charset=utf-8><title>文件过大</title>"
                f"<p>上传的内容超过 {max_upload_bytes() // (1024 * 1024)} MB，未被接收。请返回上一页，"
                "压缩或拆分文件后重新提交；您在表单中填写的内容仍保留在浏览器中。</p>",
                status=413,
                content_type="text/html; charset=utf-8",
            )
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Stops a file upload once it passes the limit (for chunked bodies that declare no length)."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        self.received = 0
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > max_upload_bytes():
            raise StopUpload(connection_reset=True)
        return super().receive_data_chunk(raw_data, start)
