"""Bad input 5, the PDF half: an Extension-B character (𠀀, U+20000) in an applicant's name is drawn as
its glyph, not as a tofu box, in the letter PDF (WeasyPrint with the CJK fonts of `make sysdeps`).

How: the same reply letter is rendered through ``letters.letter_pdf`` with the name 王𠀀明, with two
private-use code points in its place (no font has them: they come out as the ``.notdef`` glyph, the tofu)
and with an ideographic space; page 1 of each is rasterised with ``pdftoppm``. Then

- the two private-use renderings are identical (the tofu does not depend on the code point, so a tofu
  𠀀 would be identical to them too: this proves the comparison below can see tofu);
- the 𠀀 rendering differs from the tofu rendering, and it put ink where the space left paper.

``pdffonts`` shows every font embedded (and a Hanazono font, HanaMinB, among them).

Checked the other way round too: with fontconfig told to reject the Hanazono fonts, the test fails with
"𠀀 came out as tofu"."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from gongkai.applications import letters
from tests.applications.conftest import office, register  # noqa: F401  (fixtures)
from tests.applications.test_letters import rename, replied

pytestmark = pytest.mark.django_db

EXT_B = "\U00020000"  # 𠀀, CJK Unified Ideographs Extension B: not in Noto CJK; HanaMinB has it
NO_GLYPH = ("\U0010fffd", "\U000f0001")  # private use, planes 16 and 15: no font maps them
SPACE = "\u3000"  # ideographic space: the same advance as an ideograph, no ink


def needs(binary: str) -> str:
    path = shutil.which(binary)
    if path is None:
        pytest.skip(f"{binary} (poppler-utils) is not installed: run `make sysdeps`")
    return path


def page_one(pdf: bytes, where: Path) -> Image.Image:
    """Page 1 rasterised in greyscale at 100 dpi."""
    source = where.with_suffix(".pdf")
    source.write_bytes(pdf)
    subprocess.run(
        [needs("pdftoppm"), "-gray", "-r", "100", "-f", "1", "-l", "1", "-singlefile", "-png", source, where],
        check=True,
    )
    with Image.open(where.with_suffix(".png")) as image:
        return image.convert("L")


def ink(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """Dark pixels inside ``box``."""
    return sum(image.crop(box).histogram()[:128])


@pytest.fixture
def pdf_for(register, office):  # noqa: F811
    app = replied(register(), office)

    def render(middle: str) -> bytes:
        return letters.letter_pdf(rename(app, f"王{middle}明"), "reply")

    return render


def test_an_extension_b_character_is_drawn_not_tofu(pdf_for, tmp_path):
    needs("pdftoppm")
    pdf = pdf_for(EXT_B)
    page = page_one(pdf, tmp_path / "ext-b")
    tofu = [page_one(pdf_for(c), tmp_path / f"tofu-{ord(c):x}") for c in NO_GLYPH]
    blank = page_one(pdf_for(SPACE), tmp_path / "space")

    assert ImageChops.difference(*tofu).getbbox() is None, "tofu should not depend on the code point"
    assert ImageChops.difference(page, tofu[0]).getbbox() is not None, "𠀀 came out as tofu (.notdef)"

    where = ImageChops.difference(page, blank).getbbox()  # where the name's middle character is drawn
    assert where is not None, "𠀀 left the page as blank as a space"
    assert where[3] - where[1] < 60, "more than the name's line changed"
    assert ink(page, where) > ink(blank, where) + 10, "𠀀 produced no ink"

    fonts = subprocess.run(
        [needs("pdffonts"), tmp_path / "ext-b.pdf"], capture_output=True, check=True, text=True
    ).stdout.splitlines()
    header, rule, *rows = fonts
    emb = header.index("emb")
    assert rows and rule.startswith("---")
    assert all(row[emb : emb + 3] == "yes" for row in rows), "\n".join(fonts)
    assert any("HanaMin" in row for row in rows), "\n".join(fonts)  # hanazono: the fonts with Extension B
