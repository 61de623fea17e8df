"""Uploaded files: size limits before the body is stored, type from the content, names never trusted.

- ``RequestSizeLimitMiddleware`` answers 413 (in Chinese) when Content-Length exceeds the limit, before
  Django reads the body; ``LimitedUploadHandler`` stops a chunked upload (no Content-Length) once it
  passes the limit, so a huge body is never written to disk.
- :func:`sniff` decides the type from the first bytes (PDF, JPEG, PNG, DOCX, XLSX); the file name's
  extension must agree. DOCX and XLSX are zip files: entry count and uncompressed size are checked.
- Files are stored under a random name; the client's name is kept only as display text, sanitised.
- Active content is refused (bad-inputs 7): a PDF with JavaScript, launch actions, embedded files, rich
  media or XFA forms (:func:`pdf_active_content`: pypdf walks every object, and a raw scan of the bytes
  reads the names outside streams, ``#xx`` escapes decoded); a PDF pypdf cannot read is refused too.
- Images are measured from their header only, never decoded (:func:`check_image_size`): over
  ``GONGKAI_UPLOAD_MAX_PIXELS`` (40 megapixels) or a side over ``GONGKAI_UPLOAD_MAX_IMAGE_SIDE`` (20,000)
  is refused (bad-inputs 8).
- With ``GONGKAI_CLAMAV`` (``unix:///run/clamav/clamd.ctl`` or ``tcp://127.0.0.1:3310``) every file is
  scanned by clamd (:func:`clamav_scan`); a file the scanner cannot judge is refused (fail closed).
"""

from __future__ import annotations

import io
import logging
import re
import socket
import struct
import time
import unicodedata
import uuid
import zipfile
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

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
    """Validate an uploaded file; returns (extension, content type) or raises :class:`UploadRejected`.

    Size, then the type from the content, then the content itself (PDF active content, image pixels),
    then the virus scan. A file already passed for the same allowed types is not checked (and scanned)
    a second time: the form checks it, and :func:`store` asks again in the same request."""
    allowed = allowed or set(ALLOWED)
    memo = getattr(upload, "_gongkai_checked", None)
    if memo is not None and memo[0] == frozenset(allowed) and memo[1] == upload.size:
        return memo[2]
    if upload.size > max_upload_bytes():
        raise UploadRejected(f"文件超过 {max_upload_bytes() // (1024 * 1024)} MB，请压缩后再上传。")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    result = _check_type(upload.name or "", data, allowed)
    check_content(result[0], data)
    scan(data)
    upload._gongkai_checked = (frozenset(allowed), upload.size, result)
    return result


def _check_type(client_name: str, data: bytes, allowed: set[str]) -> tuple[str, str]:
    """The extension must be allowed and agree with the type the first bytes show."""
    name = display_name(client_name)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    real = sniff(data[:16], data)
    if real is None or ext not in allowed:
        raise UploadRejected("只接受 " + "、".join(sorted(e.upper() for e in allowed)) + " 文件。")
    if {real, ext} <= {"jpg", "jpeg"} or real == ext:
        return real, ALLOWED[real]
    raise UploadRejected(f"文件内容与扩展名 .{ext} 不符，已拒收。")


# --- content: PDF active content, image pixels ---------------------------------------------------------

# PDF names that make a document run something or carry another file: JavaScript (document-level names
# tree, /OpenAction and /AA actions, form fields), launch actions, embedded files (and the go-to action
# into them), Flash/3D rich media, XFA forms (which carry their own scripts).
PDF_ACTIVE_NAMES = frozenset(
    {
        "JavaScript",
        "JS",
        "Launch",
        "EmbeddedFile",
        "EmbeddedFiles",
        "GoToE",
        "RichMedia",
        "XFA",
        "SubmitForm",
        "ImportData",
    }
)
# Bounds of the parsed walk, so that no upload costs more than a few seconds of a worker: a legitimate
# document of several hundred pages has tens of thousands of objects.
MAX_PDF_OBJECTS = 100_000
MAX_PDF_SECONDS = 5.0
_PDF_NAME = re.compile(rb"/([^\x00\t\n\x0c\r /\[\]()<>{}%]+)")
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")


class PdfUnreadable(ValueError):
    """pypdf could not read the file (or it is encrypted with a password): it cannot be inspected."""


def _outside_streams(data: bytes) -> bytes:
    """The bytes outside ``stream … endstream`` bodies, in one forward pass (a regular expression with a
    lazy ``.*?`` rescans to the end from every unterminated ``stream``: quadratic on a hostile file). An
    unterminated stream leaves the rest of the file in, to be scanned as text."""
    parts = []
    pos = 0
    while True:
        start = data.find(b"stream", pos)
        if start < 0:
            parts.append(data[pos:])
            break
        after = start + 6
        if data.startswith(b"\r\n", after):
            body = after + 2
        elif data.startswith(b"\n", after):
            body = after + 1
        else:  # the word without a line break after it is not the keyword
            parts.append(data[pos:after])
            pos = after
            continue
        parts.append(data[pos:start])
        end = data.find(b"endstream", body)
        if end < 0:
            parts.append(data[body:])
            break
        pos = end + 9
    return b" ".join(parts)


def _pdf_raw_names(data: bytes) -> set[str]:
    """Active-content names in the bytes outside stream bodies, ``#xx`` escapes decoded (``/J#61vaScript``
    is ``/JavaScript``). Works on files no parser accepts; stream bodies (compressed images, fonts) are
    left out so that random binary cannot look like a name; object streams are pypdf's part."""
    body = _outside_streams(data)
    found = set()
    for match in _PDF_NAME.finditer(body):
        name = _PDF_HEX.sub(lambda h: bytes([int(h.group(1), 16)]), match.group(1)).decode("latin-1")
        if name in PDF_ACTIVE_NAMES:
            found.add(name)
    return found


def _pdf_object_names(data: bytes) -> set[str]:
    """Active-content names in the parsed document: from the trailer through the catalog (its /Names tree,
    /OpenAction, /AA, /AcroForm), the page tree, annotations and their actions, following every reference;
    then every other object in the cross-reference table (including those in object streams), reachable
    or not. Keys (``/JS``, ``/JavaScript``, ``/EmbeddedFiles``, ``/XFA``) and name values (``/S
    /JavaScript``, ``/S /Launch``, ``/Type /EmbeddedFile``, ``/Subtype /RichMedia``) both count."""
    import pypdf
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfUnreadable("encrypted")
        roots: list[Any] = [reader.trailer]
        roots += [IndirectObject(num, gen, reader) for gen, table in reader.xref.items() for num in table]
        roots += [IndirectObject(num, 0, reader) for num in reader.xref_objStm]
        found: set[str] = set()
        seen: set[tuple[int, int]] = set()
        stack = roots[::-1]
        visited = 0
        deadline = time.monotonic() + MAX_PDF_SECONDS
        while stack:
            obj = stack.pop()
            if isinstance(obj, IndirectObject):
                key = (obj.idnum, obj.generation)
                if key in seen:
                    continue
                seen.add(key)
                obj = obj.get_object()
            visited += 1
            if visited > MAX_PDF_OBJECTS or (visited % 1000 == 0 and time.monotonic() > deadline):
                raise PdfUnreadable("too many objects")
            if isinstance(obj, DictionaryObject):
                for name, value in obj.items():
                    if str(name).lstrip("/") in PDF_ACTIVE_NAMES:
                        found.add(str(name).lstrip("/"))
                    stack.append(value)
            elif isinstance(obj, ArrayObject):
                stack.extend(obj)
            elif isinstance(obj, NameObject) and str(obj).lstrip("/") in PDF_ACTIVE_NAMES:
                found.add(str(obj).lstrip("/"))
        return found
    except PdfUnreadable:
        raise
    except Exception as exc:  # whatever pypdf raises on a malformed file
        raise PdfUnreadable(type(exc).__name__) from exc


def pdf_active_content(data: bytes) -> set[str]:
    """The active-content names a PDF carries (empty when clean); raises :class:`PdfUnreadable`."""
    return _pdf_raw_names(data) | _pdf_object_names(data)


def max_image_pixels() -> int:
    return int(getattr(settings, "GONGKAI_UPLOAD_MAX_PIXELS", 40_000_000))


def max_image_side() -> int:
    return int(getattr(settings, "GONGKAI_UPLOAD_MAX_IMAGE_SIDE", 20_000))


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height from the image header; no pixel is decoded. A PNG's first chunk is IHDR (the PNG
    specification requires it), which gives both as 4-byte integers. A JPEG goes to Pillow, whose
    ``Image.open`` is lazy: it reads the markers up to the frame header (SOF) and stops; Pillow's own bomb
    guard (it raises past ~179 megapixels) is kept."""
    import warnings

    from PIL import Image

    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        if data[12:16] != b"IHDR" or len(data) < 24:
            raise ValueError("PNG without IHDR")
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data)) as im:
            return im.size


def check_image_size(data: bytes) -> None:
    from PIL import Image, UnidentifiedImageError

    limit = _("图片尺寸过大（不超过 %(mp)s 百万像素，长宽各不超过 %(side)s 像素），请缩小后再上传。") % {
        "mp": max_image_pixels() // 1_000_000,
        "side": max_image_side(),
    }
    try:
        width, height = image_size(data)
    except Image.DecompressionBombError as exc:
        raise UploadRejected(limit) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UploadRejected(_("图片文件已损坏或无法识别，请重新保存后再上传。")) from exc
    if width > max_image_side() or height > max_image_side() or width * height > max_image_pixels():
        raise UploadRejected(limit)


def check_content(ext: str, data: bytes) -> None:
    """Refuse what the type check lets through but the content betrays (raises :class:`UploadRejected`)."""
    if ext == "pdf":
        try:
            found = pdf_active_content(data)
        except PdfUnreadable as exc:
            logger.info("upload refused: PDF unreadable (%s)", exc)
            raise UploadRejected(
                _("无法读取该 PDF 文件（文件已损坏或设有密码），已拒收。请重新导出为普通 PDF 后再上传。")
            ) from exc
        if found:
            logger.info("upload refused: PDF with active content %s", sorted(found))
            raise UploadRejected(
                _(
                    "PDF 文件含有脚本、嵌入文件或其他可执行内容，已拒收。"
                    "请用“打印为 PDF”或“另存为 PDF”生成不含这些内容的文件后再上传。"
                )
            )
    elif ext in {"jpg", "jpeg", "png"}:
        check_image_size(data)


# --- virus scan (ClamAV) -------------------------------------------------------------------------------
#
# A hand-written client for clamd's INSTREAM command. The `clamd` package on PyPI has had no release since
# 2014 and `pyclamd` none since 2017; the maintained fork, `clamav-client`, is licensed GPL-2.0 (only),
# which cannot be combined with this project's AGPL-3.0-or-later. The protocol is a few lines
# (clamd(8): "zINSTREAM\0", then chunks each prefixed by its length as a 4-byte big-endian integer, a
# zero-length chunk to end, one NUL-terminated answer).

CLAMAV_CHUNK = 64 * 1024
CLAMAV_TIMEOUT = 30.0


class ScannerError(OSError):
    """clamd could not be reached or gave no verdict."""


def _clamav_connect(address: str, timeout: float) -> socket.socket:
    parts = urlsplit(address)
    if parts.scheme == "unix" and parts.path:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(parts.path)
        return sock
    if parts.scheme == "tcp" and parts.hostname and parts.port:
        return socket.create_connection((parts.hostname, parts.port), timeout=timeout)
    raise ScannerError("GONGKAI_CLAMAV must be unix:///path/to/clamd.sock or tcp://host:port")


def clamav_scan(data: bytes, address: str, timeout: float = CLAMAV_TIMEOUT) -> str | None:
    """Scan ``data`` with clamd at ``address``: None when clean, else the signature's name. Raises
    :class:`ScannerError` (an ``OSError``) when clamd cannot be reached or answers anything else."""
    with _clamav_connect(address, timeout) as sock:
        sock.sendall(b"zINSTREAM\0")
        for start in range(0, len(data), CLAMAV_CHUNK):
            chunk = data[start : start + CLAMAV_CHUNK]
            sock.sendall(struct.pack("!L", len(chunk)) + chunk)
        sock.sendall(struct.pack("!L", 0))
        answer = b""
        while not answer.endswith(b"\0") and len(answer) < 4096:
            part = sock.recv(4096)
            if not part:
                break
            answer += part
    text = answer.rstrip(b"\0").decode("utf-8", "replace").strip()
    if text.endswith(": OK"):
        return None
    if text.endswith(" FOUND"):
        signature = text.rpartition(": ")[2].removesuffix(" FOUND")
        return re.sub(r"[^\w.:-]", "_", signature)[:100] or "unknown"
    raise ScannerError(f"unexpected clamd answer: {text[:100]!r}")


def scan(data: bytes) -> None:
    """Scan with clamd when ``GONGKAI_CLAMAV`` is set; refuse infected files, and every file while the
    scanner does not answer (fail closed). Logs name the signature or the error, never the content."""
    address = str(getattr(settings, "GONGKAI_CLAMAV", "") or "")
    if not address:
        return
    try:
        signature = clamav_scan(data, address)
    except OSError as exc:
        logger.error("virus scanner unavailable, upload refused: %s: %s", type(exc).__name__, exc)
        raise UploadRejected(_("暂时无法完成病毒扫描，文件未被接收，请稍后再试。")) from exc
    if signature:
        logger.warning("upload refused: virus scanner found %s", signature)
        raise UploadRejected(_("文件未通过病毒扫描（发现 %(name)s），已拒收。") % {"name": signature})


@register(Tags.security)
def check_virus_scanning(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """In production (DEBUG off) without ``GONGKAI_CLAMAV``, uploads are not scanned: say so."""
    if settings.DEBUG or str(getattr(settings, "GONGKAI_CLAMAV", "") or ""):
        return []
    return [
        Warning(
            "GONGKAI_CLAMAV is not set: uploaded files are not scanned for viruses (ASVS 5.4.3).",
            hint="Run clamd and set GONGKAI_CLAMAV to unix:///run/clamav/clamd.ctl or tcp://127.0.0.1:3310.",
            id="gongkai.W102",
        )
    ]


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
