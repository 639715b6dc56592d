"""Issue 14: extraction never loads the machine's fonts, so a CJK font installed on the machine changes nothing.

Each reading runs in its own interpreter, where pdfium is restarted with a private font folder (pdfium's
m_pUserFontPaths setting, a temporary folder holding a link to the Noto CJK font the project installs): the
font is visible to pdfium there and nowhere else. Without extract.read.pdf.disable_system_fonts pdfium takes
that font for the non-embedded STSong-Light of a reportlab PDF and the boxes change (the control below); with
it, the chars and figures are those read on a machine without the font.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import noto_cjk_sans_otc
from test_pdf import _cjk_pdf

PROBE = textwrap.dedent("""
    import ctypes, json, sys
    import pypdfium2.raw as pdfium_c
    from extract.read import pdf
    from extract.figures import extract_document

    font_dir, keep_hook, path = sys.argv[1], sys.argv[2] == "1", sys.argv[3]
    if font_dir != "-":  # restart pdfium with a private font folder (and so without this module's font hook)
        pdfium_c.FPDF_DestroyLibrary()
        folders = (ctypes.c_char_p * 2)(font_dir.encode(), None)
        kind = type(pdfium_c.FPDF_LIBRARY_CONFIG().m_pUserFontPaths)
        config = pdfium_c.FPDF_LIBRARY_CONFIG(version=2, m_pUserFontPaths=ctypes.cast(folders, kind),
                                              m_pIsolate=None, m_v8EmbedderSlot=0)
        pdfium_c.FPDF_InitLibraryWithConfig(ctypes.byref(config))
        if keep_hook:
            pdf._NO_SYSTEM_FONTS.clear()
            pdf.disable_system_fonts()
    chars = [[c["text"], round(c["x0"], 2), round(c["x1"], 2), round(c["top"], 2)]
             for page in pdf.read_pages(path) for c in page.chars]
    figures = [[f.text, f.value, f.page, round(f.x0, 2), round(f.x1, 2)] for f in extract_document(path)]
    print(json.dumps({"chars": chars, "figures": figures}))
""")


def _read(tmp_path: Path, pdf: Path, font_dir: str, keep_hook: bool) -> dict:
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    done = subprocess.run([sys.executable, str(probe), font_dir, "1" if keep_hook else "0", str(pdf)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_cjk_font_on_the_machine_changes_no_char_and_no_figure(tmp_path):
    pdf = _cjk_pdf(tmp_path / "stsong.pdf", pages=2)  # STSong-Light: a CJK font the PDF does not embed
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "NotoSansCJK-Regular.ttc").symlink_to(Path(noto_cjk_sans_otc.__file__).parent / "NotoSansCJK-Regular.ttc")
    plain = _read(tmp_path, pdf, "-", keep_hook=True)
    with_font = _read(tmp_path, pdf, str(fonts), keep_hook=True)
    unguarded = _read(tmp_path, pdf, str(fonts), keep_hook=False)
    assert plain["figures"] and plain["chars"]
    # the control: the private font is really seen by pdfium when nothing stops it (boxes change)
    assert unguarded["chars"] != plain["chars"]
    assert with_font == plain
