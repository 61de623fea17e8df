"""Small, valid files for upload tests, built by hand (bad-inputs 7 and 8).

``PDF`` is a one-page PDF with a correct cross-reference table (pypdf reads it without a warning): the
upload check refuses PDFs it cannot parse, so a test that needs "a PDF" uses this one. :func:`pdf` adds
catalog entries and objects to it, which is how the tests make PDFs with JavaScript or embedded files.
``PNG`` is a 1 × 1 PNG; :func:`png` makes one whose header claims any size (with a tiny IDAT: the check
reads the header only, so nothing is decoded).
"""

from __future__ import annotations

import struct
import zlib


def pdf(catalog_extra: bytes = b"", objects: tuple[bytes, ...] = (), *, page_extra: bytes = b"") -> bytes:
    """A one-page PDF: object 1 the catalog (plus ``catalog_extra``), 2 the page tree, 3 the page (plus
    ``page_extra``), then ``objects`` as 4, 5, … (each the text between ``N 0 obj`` and ``endobj``)."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + page_extra + b" >>",
        *objects,
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int = 1, height: int = 1) -> bytes:
    """A PNG whose IHDR says ``width`` × ``height`` (8-bit grey); the IDAT holds one row at most, so a
    header claiming 20,000 × 20,000 is a few dozen bytes."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" + b"\x00" * min(width, 64))
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


PDF = pdf()
PNG = png(1, 1)
