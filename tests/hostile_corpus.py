"""Broken and hostile copies of good PDFs, made in memory by the tests (nothing of this is committed).

Every function takes the bytes of a readable PDF with a classic cross-reference table (reportlab's, or the shared
corpus's renderings) and returns the bytes of a damaged or hostile copy. Most append an incremental update (new
versions of a few objects, a cross-reference section and a trailer pointing back with /Prev): the file stays a
valid PDF whose objects say something hostile. ``xref_flip`` and ``delete_font`` damage the bytes in place
(same length, so every other offset stays right), as a bad disk, a broken upload or a careless editor would.
"""

from __future__ import annotations

import re
import zlib

_OBJECT = re.compile(rb"(?<![0-9])(\d+) (\d+) obj\b")
_TRAILER_KEY = re.compile(rb"/(Root|Info|Size)\s+(\d+)(?:\s+(\d+)\s+R)?")
_STARTXREF = re.compile(rb"startxref\s+(\d+)")


# ---------------------------------------------------------------- reading the base file


def objects(data: bytes) -> list[tuple[int, int, int]]:
    """(object number, start, end) of every ``N G obj … endobj`` in the file, in file order."""
    out = []
    for m in _OBJECT.finditer(data):
        end = data.find(b"endobj", m.end())
        if end >= 0:
            out.append((int(m.group(1)), m.start(), end + len(b"endobj")))
    return out


def body(data: bytes, number: int) -> bytes:
    """The last definition of object ``number`` (between ``obj`` and ``endobj``)."""
    found = [(a, b) for n, a, b in objects(data) if n == number]
    a, b = found[-1]
    start = data.index(b"obj", a) + 3
    return data[start : b - len(b"endobj")].strip()


def trailer(data: bytes) -> dict[str, int]:
    """Root, Info (object numbers) and Size of the last trailer."""
    at = data.rfind(b"trailer")
    out: dict[str, int] = {}
    for key, first, _gen in _TRAILER_KEY.findall(data[at:]):
        out.setdefault(key.decode(), int(first))
    return out


def _ref(text: bytes, key: bytes) -> int:
    return int(re.search(rb"/" + key + rb"\s+(\d+)\s+\d+\s+R", text).group(1))


def pages_object(data: bytes) -> int:
    return _ref(body(data, trailer(data)["Root"]), b"Pages")


def page_objects(data: bytes) -> list[int]:
    """Object numbers of the pages, in order (a flat page tree, as reportlab and most writers make)."""
    kids = re.search(rb"/Kids\s*\[([^\]]*)\]", body(data, pages_object(data))).group(1)
    return [int(n) for n in re.findall(rb"(\d+)\s+\d+\s+R", kids)]


def font_objects(data: bytes) -> list[int]:
    """Object numbers of the top-level fonts (Type0 or simple), in file order."""
    return [n for n, a, b in objects(data)
            if re.search(rb"/Type\s*/Font\b", data[a:b]) and b"/DescendantFonts" in data[a:b]
            or re.search(rb"/Subtype\s*/(Type1|TrueType)\b", data[a:b]) and re.search(rb"/Type\s*/Font\b", data[a:b])]


# ---------------------------------------------------------------- writing an update


def update(data: bytes, changed: dict[int, bytes], info: int | None = None) -> bytes:
    """``data`` with an incremental update holding the objects of ``changed`` (number -> body)."""
    old = trailer(data)
    prev = int(_STARTXREF.findall(data)[-1])
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    offsets = {}
    for number, text in sorted(changed.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + text + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    for number, offset in sorted(offsets.items()):
        out += b"%d 1\n%010d 00000 n \n" % (number, offset)
    size = max(old.get("Size", 0), max(changed) + 1)
    info_ref = info if info is not None else old.get("Info")
    out += b"trailer\n<< /Size %d /Root %d 0 R " % (size, old["Root"])
    if info_ref:
        out += b"/Info %d 0 R " % info_ref
    out += b"/Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (prev, xref)
    return bytes(out)


def new_number(data: bytes, k: int = 0) -> int:
    return max(trailer(data).get("Size", 0), max(n for n, _, _ in objects(data)) + 1) + k


def stream(content: bytes, filters: tuple[str, ...] = ("FlateDecode",), extra: bytes = b"") -> bytes:
    """A stream object body: ``content`` encoded with ``filters`` (outermost first, as /Filter lists them)."""
    data = content
    for name in reversed(filters):
        data = _ENCODERS[name](data)
    names = b" ".join(b"/" + f.encode() for f in filters)
    return b"<< /Length %d /Filter [%s] %s>>\nstream\n" % (len(data), names, extra) + data + b"\nendstream"


def _ascii85(data: bytes) -> bytes:
    import base64

    return base64.a85encode(data) + b"~>"


_ENCODERS = {"FlateDecode": zlib.compress, "ASCII85Decode": _ascii85,
             "ASCIIHexDecode": lambda d: d.hex().encode() + b">"}


def _with_contents(data: bytes, page: int, contents: int) -> bytes:
    text = body(data, page)
    return re.sub(rb"/Contents\s+(\d+\s+\d+\s+R|\[[^\]]*\])", b"/Contents %d 0 R" % contents, text, count=1)


# ---------------------------------------------------------------- damage in place


def xref_flip(data: bytes, entry: int, digit: int = 6) -> bytes:
    """One digit of one offset in the last cross-reference table changed (5 added, mod 10)."""
    at = int(_STARTXREF.findall(data)[-1])
    end = data.find(b"trailer", at)
    entries = [m.start() + at for m in re.finditer(rb"\d{10} \d{5} n", data[at:end])]
    if not entries:
        raise ValueError("no classic cross-reference table (a cross-reference stream?)")
    pos = entries[entry % len(entries)] + digit
    out = bytearray(data)
    out[pos] = ord("0") + (out[pos] - ord("0") + 5) % 10
    return bytes(out)


def delete_object(data: bytes, number: int) -> bytes:
    """Object ``number`` overwritten with spaces (its cross-reference entry now points at nothing)."""
    out = bytearray(data)
    for n, a, b in objects(data):
        if n == number:
            out[a:b] = b" " * (b - a)
    return bytes(out)


def delete_font(data: bytes, which: int = 0) -> bytes:
    fonts = font_objects(data)
    return delete_object(data, fonts[which % len(fonts)])


# ---------------------------------------------------------------- hostile updates


def bomb_content(gib: float, tail: bytes = b"BT /F1 12 Tf 72 700 Td (x) Tj ET") -> bytes:
    """A Flate stream inflating to ``gib`` GiB of spaces then ``tail`` (~1 MB per GiB): one full-flushed
    deflate segment repeated, with the right Adler-32 so that readers do inflate it all."""
    chunk = b" " * (1 << 24)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    packer.compress(chunk)
    packer.flush(zlib.Z_FULL_FLUSH)
    segment = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    repeats = max(1, int(gib * 64))
    checksum = 1
    for _ in range(repeats):
        checksum = zlib.adler32(chunk, checksum)
    checksum = zlib.adler32(tail, checksum)
    return b"\x78\xda" + segment * repeats + packer.compress(tail) + packer.flush() + checksum.to_bytes(4, "big")


def filter_chain_bomb(data: bytes, filters: tuple[str, ...] = ("FlateDecode", "FlateDecode"),
                      gib: float = 1.0, page: int = 0) -> bytes:
    """Page ``page``'s content replaced by a bomb behind ``filters`` (outermost first; the last is the bomb's
    own Flate): [/FlateDecode /FlateDecode] puts 1 GiB in ~10 KB, [/ASCII85Decode /FlateDecode] is reportlab's
    own chain."""
    inner = bomb_content(gib)
    encoded = inner
    for name in reversed(filters[:-1]):
        encoded = _ENCODERS[name](encoded)
    names = b" ".join(b"/" + f.encode() for f in filters)
    number = new_number(data)
    target = page_objects(data)[page]
    content = b"<< /Length %d /Filter [%s] >>\nstream\n" % (len(encoded), names) + encoded + b"\nendstream"
    return update(data, {number: content, target: _with_contents(data, target, number)})


def font_program_bomb(data: bytes, gib: float = 0.25, escaped: bool = False, which: int = 0) -> bytes:
    """Top-level font ``which`` gets a descriptor whose TrueType program is a Flate bomb: pdfium inflates a
    font's program when a page uses the font. ``escaped``: the key written /FontDes#63riptor (the same name)."""
    font = font_objects(data)[which]
    descriptor, program = new_number(data), new_number(data, 1)
    inner = bomb_content(gib)
    key = b"/FontDes#63riptor" if escaped else b"/FontDescriptor"
    text = re.sub(rb"/FontDescriptor\s+\d+\s+\d+\s+R", b"", body(data, font))
    text = text[: text.rindex(b">>")] + key + b" %d 0 R >>" % descriptor
    return update(data, {
        font: text,
        descriptor: b"<< /Type /FontDescriptor /FontName /Bomb /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0 "
                    b"/Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 /FontFile2 %d 0 R >>" % program,
        program: b"<< /Length %d /Length1 %d /Filter /FlateDecode >>\nstream\n" % (len(inner), 1 << 30) + inner
                 + b"\nendstream",
    })


def kids_cycle(data: bytes) -> bytes:
    """The root page-tree node lists itself among its kids."""
    pages = pages_object(data)
    text = body(data, pages)
    text = re.sub(rb"/Kids\s*\[", b"/Kids [ %d 0 R " % pages, text, count=1)
    return update(data, {pages: text})


def self_length(data: bytes, page: int = 0) -> bytes:
    """Page ``page``'s content becomes a stream whose /Length is an indirect object that is a reference to
    itself (``N 0 obj N 0 R endobj``): resolving it never ends."""
    number, length = new_number(data), new_number(data, 1)
    target = page_objects(data)[page]
    content = b"<< /Length %d 0 R >>\nstream\nBT /F1 12 Tf 72 700 Td (x) Tj ET\nendstream" % length
    return update(data, {number: content, length: b"%d 0 R" % length,
                         target: _with_contents(data, target, number)})


def page_count(data: bytes, count: int = 1_000_000) -> bytes:
    """The page tree claims ``count`` pages (it holds the original ones)."""
    pages = pages_object(data)
    text = re.sub(rb"/Count\s+\d+", b"/Count %d" % count, body(data, pages), count=1)
    return update(data, {pages: text})


def huge_page(data: bytes, points: float = 20000, page: int = 0) -> bytes:
    """Page ``page`` becomes ``points`` x ``points`` points (the largest page the spec allows is 14,400)."""
    target = page_objects(data)[page]
    text = re.sub(rb"/MediaBox\s*\[[^\]]*\]", b"/MediaBox [0 0 %g %g]" % (points, points), body(data, target),
                  count=1)
    return update(data, {target: text})


def huge_title(data: bytes, megabytes: float = 20) -> bytes:
    """A document information dictionary whose /Title is ``megabytes`` MB of text."""
    number = new_number(data)
    title = b"A" * int(megabytes * (1 << 20))
    return update(data, {number: b"<< /Title (" + title + b") /Producer (hostile) >>"}, info=number)


def bad_widths(data: bytes) -> bytes:
    """Every font's widths (/Widths of simple fonts, /W of CID fonts, nested arrays and all) become names."""
    changed = {}
    for number, start, end in objects(data):
        if not re.search(rb"/Type\s*/Font\b", data[start:end]):
            continue
        text = body(data, number)
        m = re.search(rb"/(Widths|W)\s*\[", text)
        if m is None or b"stream" in text[:400]:
            continue
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {ord("["): 1, ord("]"): -1}.get(text[i], 0)
            i += 1
        changed[number] = text[: m.start()] + b"/" + m.group(1) + b" [/a /b /c /d /e /f /g /h /i]" + text[i:]
    return update(data, changed)


def page_becomes_tree(data: bytes, page: int = 0) -> bytes:
    """Page ``page`` claims to be a page-tree node whose only kid is the root: a cycle pdfium cannot walk (it
    builds no page at all) while pdfminer skips the node and reads the other pages."""
    target = page_objects(data)[page]
    text = re.sub(rb"/Type\s*/Page\b", b"/Type /Pages /Kids [%d 0 R]" % pages_object(data), body(data, target),
                  count=1)
    return update(data, {target: text})
