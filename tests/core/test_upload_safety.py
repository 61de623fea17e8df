"""Upload content checks: PDF active content, the virus scan, the image pixel cap, the applicant's quota.

Bad-inputs 6 (per-user quota), 7 (PDF with JavaScript, antivirus) and 8 (20,000 × 20,000 image). Every
test PDF and PNG is built here by hand (``tests/upload_samples.py``); the clamd is a fake server thread
speaking the INSTREAM protocol on a unix socket or a loopback TCP port.
"""

from __future__ import annotations

import io
import logging
import socket
import struct
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gongkai.applications.models import Application, Attachment
from gongkai.core import uploads
from tests.factories import PASSWORD, ApplicantFactory
from tests.upload_samples import PDF, pdf, png

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

OPEN_ACTION_JS = pdf(b"/OpenAction 4 0 R", (b"<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>",))
NAMES_TREE_JS = pdf(
    b"/Names << /JavaScript 4 0 R >>",
    (b"<< /Names [(hello) 5 0 R] >>", b"<< /S /JavaScript /JS (this.print\\(\\)) >>"),
)
# Hex escapes in names (PDF 1.2+): /J#61vaScript is /JavaScript, /J#53 is /JS.
HEX_ESCAPED_JS = pdf(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>")
EMBEDDED_FILE = pdf(
    b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>",
    (
        b"<< /Type /Filespec /F (a.exe) /EF << /F 5 0 R >> >>",
        b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream",
    ),
)
PAGE_ANNOTATION_JS = pdf(
    page_extra=b"/Annots [4 0 R]",
    objects=(
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /JavaScript /JS 5 0 R >> >>",
        b"<< /Length 11 >>\nstream\napp.alert()\nendstream",
    ),
)
PAGE_AA_LAUNCH = pdf(page_extra=b"/AA << /O << /S /Launch /F (cmd.exe) >> >>")
XFA_FORM = pdf(b"/AcroForm << /Fields [] /XFA 4 0 R >>", (b"<< /Length 5 >>\nstream\n<xdp>\nendstream",))
# The JavaScript only inside a compressed stream that a viewer would not run: not a false positive.
NAME_BYTES_IN_A_STREAM = pdf(
    page_extra=b"/Contents 4 0 R",
    objects=(b"<< /Length 24 >>\nstream\n(/JavaScript /JS) Tj    \nendstream",),
)


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


# --- case 7: PDF with active content --------------------------------------------------------------------


def test_a_clean_pdf_passes():
    assert uploads.pdf_active_content(PDF) == set()
    assert uploads.check(upload("批复.pdf", PDF)) == ("pdf", "application/pdf")


def test_bytes_that_look_like_names_inside_a_stream_are_not_active_content():
    assert uploads.check(upload("批复.pdf", NAME_BYTES_IN_A_STREAM))[0] == "pdf"


@pytest.mark.parametrize(
    ("data", "names"),
    [
        (OPEN_ACTION_JS, {"JavaScript", "JS"}),
        (NAMES_TREE_JS, {"JavaScript", "JS"}),
        (HEX_ESCAPED_JS, {"JavaScript", "JS"}),
        (EMBEDDED_FILE, {"EmbeddedFiles", "EmbeddedFile"}),
        (PAGE_ANNOTATION_JS, {"JavaScript", "JS"}),
        (PAGE_AA_LAUNCH, {"Launch"}),
        (XFA_FORM, {"XFA"}),
    ],
    ids=[
        "open-action-js",
        "names-tree-js",
        "hex-escaped-js",
        "embedded-file",
        "annotation-js",
        "aa-launch",
        "xfa",
    ],
)
def test_pdfs_with_active_content_are_refused(data, names):
    assert uploads.pdf_active_content(data) >= names
    with pytest.raises(uploads.UploadRejected, match="含有脚本、嵌入文件"):
        uploads.check(upload("申请材料.pdf", data))


@pytest.mark.parametrize("data", [OPEN_ACTION_JS, NAMES_TREE_JS, HEX_ESCAPED_JS, EMBEDDED_FILE, XFA_FORM])
def test_both_layers_see_it_the_parser_and_the_raw_scan(data):
    """pypdf (which decodes #xx in names) and the raw byte scan each find it on their own."""
    assert uploads._pdf_object_names(data) & uploads.PDF_ACTIVE_NAMES
    assert uploads._pdf_raw_names(data) & uploads.PDF_ACTIVE_NAMES


def test_the_raw_scan_catches_javascript_in_a_file_no_parser_reads():
    broken = b"%PDF-1.4\n1 0 obj << /OpenAction << /S /J#61vaScript /JS (x) >> >> endobj\n%%EOF"
    assert uploads._pdf_raw_names(broken) == {"JavaScript", "JS"}
    with pytest.raises(uploads.UploadRejected):
        uploads.check(upload("a.pdf", broken))


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", b"%PDF-1.7\n" + bytes(range(256)) * 4, PDF[:60]],
    ids=["no-catalog", "garbage", "truncated"],
)
def test_a_pdf_pypdf_cannot_parse_is_refused(data):
    with pytest.raises(uploads.UploadRejected, match="无法读取该 PDF"):
        uploads.check(upload("a.pdf", data))


def test_the_applicant_form_refuses_a_pdf_with_javascript_keeping_what_was_typed(tree, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    identity = ApplicantFactory()
    c = login(identity.account)
    r = c.post(
        reverse("applications_public:apply", args=[tree["province"].code]),
        {
            "applicant": identity.pk,
            "description": "征地批复文件及附图",
            "delivery_form": "paper",
            "delivery_method": "post",
            "token": "t1",
            "identity_copy": upload("身份证.pdf", OPEN_ACTION_JS),
        },
    )
    body = r.content.decode()
    assert r.status_code == 200 and "含有脚本、嵌入文件" in body and "征地批复文件及附图" in body
    assert not Application.objects.exists() and not Attachment.objects.exists()
    assert not any(p.is_file() for p in Path(tmp_path).rglob("*"))  # nothing stored, not even as pending


# --- case 7: virus scan through clamd (INSTREAM) -------------------------------------------------------


class FakeClamd:
    """Answers INSTREAM like clamd: 'stream: Eicar-Test-Signature FOUND' when the EICAR string is in the
    stream, 'stream: OK' otherwise. Serves until stopped; each connection is one scan."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.sock.settimeout(0.2)
        self.scanned: list[int] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                self.handle(conn)

    def handle(self, conn: socket.socket) -> None:
        def read(n: int) -> bytes:
            out = b""
            while len(out) < n:
                part = conn.recv(n - len(out))
                if not part:
                    raise ConnectionError
                out += part
            return out

        assert read(10) == b"zINSTREAM\0"
        data = b""
        while size := struct.unpack("!L", read(4))[0]:
            data += read(size)
        self.scanned.append(len(data))
        conn.sendall(b"stream: Eicar-Test-Signature FOUND\0" if EICAR in data else b"stream: OK\0")

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(5)
        self.sock.close()


@pytest.fixture(params=["unix", "tcp"])
def clamd(request, tmp_path, settings) -> Iterator[FakeClamd]:
    if request.param == "unix":
        path = tmp_path / "clamd.sock"
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(str(path))
        settings.GONGKAI_CLAMAV = f"unix://{path}"
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        settings.GONGKAI_CLAMAV = f"tcp://127.0.0.1:{sock.getsockname()[1]}"
    sock.listen(4)
    server = FakeClamd(sock)
    yield server
    server.stop()


def infected_pdf() -> bytes:
    """A clean, well-formed PDF whose content stream carries the EICAR test string."""
    stream = zlib.compress(b"BT ET") + EICAR
    return pdf(
        page_extra=b"/Contents 4 0 R",
        objects=(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",),
    )


def test_clamd_finds_eicar_and_passes_a_clean_file(clamd):
    data = b"x" * (200 * 1024) + EICAR  # more than one 64 KiB chunk
    assert uploads.clamav_scan(data, uploads.settings.GONGKAI_CLAMAV) == "Eicar-Test-Signature"
    assert uploads.clamav_scan(PDF, uploads.settings.GONGKAI_CLAMAV) is None
    assert clamd.scanned == [len(data), len(PDF)]


def test_an_infected_upload_is_refused_in_chinese(clamd):
    assert uploads.check(upload("批复.pdf", PDF))[0] == "pdf"
    with pytest.raises(uploads.UploadRejected, match="未通过病毒扫描"):
        uploads.check(upload("批复.pdf", infected_pdf()))


def test_the_form_and_the_store_scan_a_file_once(clamd, tree, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    identity = ApplicantFactory()
    c = login(identity.account)
    url = reverse("applications_public:apply", args=[tree["province"].code])
    form = {"applicant": identity.pk, "description": "征地批复", "delivery_form": "paper"}
    form |= {"delivery_method": "post", "token": "t2"}
    r = c.post(url, {**form, "identity_copy": upload("身份证.pdf", infected_pdf())})
    assert r.status_code == 200 and "未通过病毒扫描" in r.content.decode() and not Attachment.objects.exists()
    r = c.post(url, {**form, "token": "t3", "identity_copy": upload("身份证.pdf", PDF)})
    assert r.status_code == 302 and Attachment.objects.count() == 1
    assert clamd.scanned == [len(infected_pdf()), len(PDF)]


def test_an_unreachable_scanner_refuses_the_upload_and_logs_without_content(tmp_path, settings, caplog):
    settings.GONGKAI_CLAMAV = f"unix://{tmp_path}/no-such-clamd.sock"
    secret = pdf(b"/Lang (SECRET-CONTENT-1234)")
    with caplog.at_level(logging.ERROR), pytest.raises(uploads.UploadRejected, match="请稍后再试"):
        uploads.check(upload("身份证.pdf", secret))
    assert any(
        r.levelno == logging.ERROR and "virus scanner unavailable" in r.getMessage() for r in caplog.records
    )
    assert "SECRET-CONTENT" not in caplog.text and "身份证" not in caplog.text


def test_a_scanner_that_hangs_up_refuses_the_upload(tmp_path, settings):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    settings.GONGKAI_CLAMAV = f"tcp://127.0.0.1:{sock.getsockname()[1]}"

    def hang_up() -> None:
        conn, _ = sock.accept()
        conn.recv(10)
        conn.close()

    thread = threading.Thread(target=hang_up, daemon=True)
    thread.start()
    try:
        with pytest.raises(uploads.UploadRejected, match="请稍后再试"):
            uploads.check(upload("a.pdf", PDF))
    finally:
        thread.join(5)
        sock.close()


def test_without_a_scanner_production_is_warned(settings):
    settings.GONGKAI_CLAMAV = ""
    settings.DEBUG = False
    assert [m.id for m in uploads.check_virus_scanning(None)] == ["gongkai.W102"]
    settings.DEBUG = True
    assert uploads.check_virus_scanning(None) == []
    settings.DEBUG = False
    settings.GONGKAI_CLAMAV = "tcp://127.0.0.1:3310"
    assert uploads.check_virus_scanning(None) == []


def test_the_warning_is_a_registered_system_check(settings):
    from django.core import checks

    settings.GONGKAI_CLAMAV = ""
    settings.DEBUG = False
    assert "gongkai.W102" in [m.id for m in checks.run_checks(tags=[checks.Tags.security])]


# --- case 8: image pixel cap (header only) -----------------------------------------------------------


def test_a_png_claiming_20000_by_20000_is_refused_without_decoding():
    bomb = png(20_000, 20_000)
    assert len(bomb) < 200  # a tiny IDAT: decoding it would mean 400 megapixels
    with pytest.raises(uploads.UploadRejected, match="图片尺寸过大"):
        uploads.check(upload("照片.png", bomb))


def test_a_normal_small_png_passes():
    assert uploads.check(upload("照片.png", png(800, 600))) == ("png", "image/png")


@pytest.mark.parametrize(
    ("width", "height", "ok"),
    [
        (6_000, 6_000, True),
        (8_000, 6_000, False),
        (20_000, 2_000, True),
        (20_001, 1, False),
        (1, 20_001, False),
    ],
)
def test_the_cap_is_pixels_and_sides(width, height, ok):
    if ok:
        uploads.check_image_size(png(width, height))
    else:
        with pytest.raises(uploads.UploadRejected, match="图片尺寸过大"):
            uploads.check_image_size(png(width, height))


def test_the_cap_follows_the_settings(settings):
    settings.GONGKAI_UPLOAD_MAX_PIXELS = 1_000_000
    with pytest.raises(uploads.UploadRejected, match="1 百万像素"):
        uploads.check_image_size(png(1_001, 1_000))


def jpeg(width: int, height: int, *, claim: tuple[int, int] | None = None) -> bytes:
    """A real JPEG from Pillow; ``claim`` rewrites the size in its frame header (SOF0) afterwards."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, "JPEG")
    data = bytearray(buffer.getvalue())
    if claim:
        sof = data.index(b"\xff\xc0")
        data[sof + 5 : sof + 9] = struct.pack(">HH", claim[1], claim[0])
    return bytes(data)


def test_a_jpeg_is_measured_from_its_frame_header():
    assert uploads.check(upload("照片.jpg", jpeg(64, 48)))[0] == "jpg"
    with pytest.raises(uploads.UploadRejected, match="图片尺寸过大"):
        uploads.check(upload("照片.jpg", jpeg(64, 48, claim=(65_000, 65_000))))  # Pillow's own guard
    with pytest.raises(uploads.UploadRejected, match="图片尺寸过大"):
        uploads.check(upload("照片.jpg", jpeg(64, 48, claim=(8_000, 8_000))))


def test_an_image_without_a_readable_header_is_refused():
    with pytest.raises(uploads.UploadRejected, match="无法识别"):
        uploads.check(upload("照片.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 30))
    with pytest.raises(uploads.UploadRejected, match="无法识别"):
        uploads.check(upload("照片.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 30))


def test_a_pdf_of_unterminated_streams_is_checked_in_linear_time():
    """A hostile file of 'stream' keywords without 'endstream' (a lazy regular expression rescans to the
    end from each: 14 s for 140 KB, hours for 2 MB) is read in one pass and refused as unreadable."""
    import time

    from gongkai.core import uploads

    data = b"%PDF-1.4\n" + b"stream\n" * 300_000  # 2 MB
    started = time.perf_counter()
    assert uploads._pdf_raw_names(data) == set()
    assert time.perf_counter() - started < 2.0
    with pytest.raises(uploads.PdfUnreadable):
        uploads.pdf_active_content(data)


def test_names_inside_terminated_streams_do_not_count_but_after_an_unterminated_one_they_do():
    from gongkai.core import uploads

    assert uploads._pdf_raw_names(b"1 0 obj<<>>stream\n/JavaScript\nendstream endobj") == set()
    assert uploads._pdf_raw_names(b"1 0 obj<<>>stream\n/JavaScript (never closed)") == {"JavaScript"}
    assert uploads._pdf_raw_names(b"<< /S /SubmitForm >> streamless") == {"SubmitForm"}
