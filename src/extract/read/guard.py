"""Bounds on what a PDF may make its readers do, checked before pdfium or pdfminer reads a page.

pdfium builds ~250 bytes per character of a text page and inflates every stream a page draws with; pdfminer
(the reference reader, and the one that walks the page tree here) parses objects with quadratic string
building and resolves references in a loop. A hostile or broken file turns each of these into minutes or
gigabytes, so:

- ``decoded_pieces``: every stream is decoded through a bounded pipeline whatever its filter chain (Flate,
  LZW, ASCII85, ASCIIHex, RunLength, in any order and any number; image codecs and unknown filters pass their
  bytes through, as readers do not expand them for text): no stage may produce more than the limit, and the
  data flows in pieces of 4 MB.
- ``ContentGuard``: before a page is read, every stream it draws with (its content, the form XObjects and Type 3
  glyphs it uses, recursively, and its fonts' programs and Unicode maps) is decoded that way; a page whose
  content exceeds the size limit, or whose strings hold more characters than allowed, is refused. When
  pdfminer cannot walk the page tree (a cycle, a page it does not see, an object it cannot parse), every stream
  of the file is checked instead, found by scanning the bytes: there is no way around the guard.
- A font dictionary is read for its references only (ToUnicode, FontDescriptor, DescendantFonts): from its bytes
  where nothing in them could hide another reading (``_font_references``), else by pdfminer; pdfminer would
  parse every number of its width arrays, which pdfium reads anyway.
- ``BoundedParser`` / ``SafeDocument`` / ``open_plumber``: pdfminer with linear token building (a 20 MB
  document title: 0.1 s instead of 30 s) and reference chains cut after ``MAX_REFERENCE_CHAIN`` links (an
  object that is a reference to itself made pdfminer loop forever).
"""

from __future__ import annotations

import contextlib
import io
import logging
import mmap
import re
import struct
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from pdfminer.ascii85 import end_re as a85_end
from pdfminer.ascii85 import start_re as a85_start
from pdfminer.pdfdocument import PDFDocument, PDFObjectNotFound
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import PDFObjRef, PDFStream

from extract.model import DocumentError

CHUNK = 4 << 20  # data flows 4 MB at a time: memory stays small even for zip bombs
CONTENT_BYTES_LIMIT = 64 << 20  # a page (or one stream) that unpacks beyond this is refused as hostile
MAX_REFERENCE_CHAIN = 32  # "1 0 R" -> "2 0 R" -> …: no real file has more than a couple of links
FORM_DEPTH_LIMIT = 8  # nested form XObjects (and Type 3 glyphs) walked below a page

# Filter names (and their abbreviations) the pipeline expands; any other filter ends it.
_FLATE, _LZW, _A85, _AHX, _RL = ("FlateDecode", "Fl"), ("LZWDecode", "LZW"), ("ASCII85Decode", "A85"), \
    ("ASCIIHexDecode", "AHx"), ("RunLengthDecode", "RL")


class _Unpacked(Exception):
    """A stage of the pipeline produced more than the limit."""


# ---------------------------------------------------------------------------------------------------------
# Decoding through a bounded pipeline
# ---------------------------------------------------------------------------------------------------------


def filter_names(value: object) -> list[str]:
    """A /Filter value (a name, a list of names, pdfminer literals or plain strings) -> ["FlateDecode", …]."""
    items = value if isinstance(value, (list, tuple)) else [value] if value else []
    return [str(getattr(_resolve(item), "name", _resolve(item))).lstrip("/") for item in items]


def decoded_pieces(raw: bytes, filters: list[str], limit: int = CONTENT_BYTES_LIMIT) -> Iterator[bytes]:
    """The decoded data of a stream, in pieces of at most CHUNK bytes; raises _Unpacked when any stage would
    produce more than ``limit`` bytes. Corrupt data ends the output where it becomes unreadable (as readers do)."""
    pieces: Iterator[bytes] = (raw[i : i + CHUNK] for i in range(0, len(raw), CHUNK))
    for name in filters:
        stage = _STAGES.get(name)
        if stage is None:  # an image codec (DCT, JPX, JBIG2, CCITT), Crypt or unknown: not expanded for text
            break
        pieces = _bounded(stage(pieces), limit)
    return pieces


def _bounded(pieces: Iterator[bytes], limit: int) -> Iterator[bytes]:
    total = 0
    for piece in pieces:
        total += len(piece)
        if total > limit:
            raise _Unpacked
        yield piece


def _inflate(pieces: Iterator[bytes]) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    for data in pieces:
        while data:
            try:
                piece = inflater.decompress(data, CHUNK)
            except zlib.error:
                return
            if piece:
                yield piece
            data = inflater.unconsumed_tail
            if not piece and data:
                return  # no progress: nothing more will come out
        if inflater.eof:
            return


def _whole(pieces: Iterator[bytes]) -> bytes:
    """The stage's whole input (bounded: it is the output of the raw stream or of a bounded stage)."""
    return b"".join(pieces)


def _in_chunks(pieces: Iterable[bytes]) -> Iterator[bytes]:
    buffer = bytearray()
    for piece in pieces:
        buffer += piece
        if len(buffer) >= CHUNK:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)


def _ascii85(pieces: Iterator[bytes]) -> Iterator[bytes]:
    data = _whole(pieces)
    end = data.find(b"~>")
    data = data[:end] if end >= 0 else data
    # as pdfminer's ascii85decode: a leading "<~" or "~" and a trailing "~" or "~>" go, then base64.a85decode
    data = a85_end.sub(b"", a85_start.sub(b"", data))
    try:
        yield from _in_chunks([a85decode(data)])
    except ValueError:
        return


_A85_IGNORED = b" \t\n\r\x0b"  # base64.a85decode's default ignorechars
_A85_DIGITS = bytes(range(33, 118))  # "!" to "u"
_MINUS_33 = bytes((b - 33) & 0xFF for b in range(256))


def a85decode(data: bytes) -> bytes:
    """base64.a85decode(data) with its defaults: the same bytes, or ValueError where it raises one, ~3x faster.
    The standard library's loops over every byte in Python (3% of reading our renderings, whose page contents are
    ASCII85); here the groups of five are split in C (translate, split, slices) and only each word is computed."""
    data = data.translate(None, _A85_IGNORED)
    if data.translate(None, _A85_DIGITS + b"z"):
        raise ValueError("Non-Ascii85 digit found")
    parts = data.split(b"z")  # "z" stands for four zero bytes, and only between groups
    out: list[bytes] = []
    for n, part in enumerate(parts):
        tail = len(part) % 5
        if tail and n < len(parts) - 1:
            raise ValueError("z inside Ascii85 5-tuple")
        values = part.translate(_MINUS_33)
        if tail:  # the last group is padded with "u" (84) and as many bytes cut from its word
            values += bytes([84]) * (5 - tail)
        words = [(((a * 85 + b) * 85 + c) * 85 + d) * 85 + e
                 for a, b, c, d, e in zip(*(values[k::5] for k in range(5)), strict=True)]
        if words and max(words) > 0xFFFFFFFF:
            raise ValueError("Ascii85 overflow")
        chunk = struct.pack(f">{len(words)}I", *words)
        out.append(chunk[: len(chunk) - (5 - tail)] if tail else chunk)
        if n < len(parts) - 1:
            out.append(b"\0\0\0\0")
    return b"".join(out)


def _asciihex(pieces: Iterator[bytes]) -> Iterator[bytes]:
    from pdfminer.ascii85 import asciihexdecode

    try:
        yield from _in_chunks([asciihexdecode(_whole(pieces))])
    except ValueError:
        return


def _lzw(pieces: Iterator[bytes]) -> Iterator[bytes]:
    from pdfminer.lzw import LZWDecoder

    yield from _in_chunks(LZWDecoder(io.BytesIO(_whole(pieces))).run())


def _runlength(pieces: Iterator[bytes]) -> Iterator[bytes]:
    def runs(data: bytes) -> Iterator[bytes]:
        i, n = 0, len(data)
        while i < n:
            length = data[i]
            if length == 128:
                return
            if length < 128:
                yield data[i + 1 : i + 2 + length]
                i += 2 + length
            else:
                yield data[i + 1 : i + 2] * (257 - length)
                i += 2

    yield from _in_chunks(runs(_whole(pieces)))


_STAGES = {**dict.fromkeys(_FLATE, _inflate), **dict.fromkeys(_LZW, _lzw), **dict.fromkeys(_A85, _ascii85),
           **dict.fromkeys(_AHX, _asciihex), **dict.fromkeys(_RL, _runlength)}


# ---------------------------------------------------------------------------------------------------------
# pdfminer, bounded
# ---------------------------------------------------------------------------------------------------------


class BoundedParser(PDFParser):
    """pdfminer's parser, reading ever larger chunks while one token or line goes on. pdfminer builds a token
    with ``+=`` over 4 KB reads, quadratic in the token's length (a 20 MB /Title took 30 s and 1.4 GB);
    doubling the read size while no seek intervenes makes it linear. A seek (every object) starts small again."""

    def seek(self, pos: int) -> None:
        self.BUFSIZ = PDFParser.BUFSIZ
        super().seek(pos)

    def fillbuf(self) -> bool:
        if self.charpos < len(self.buf):
            return False
        filled = super().fillbuf()
        self.BUFSIZ = min(self.BUFSIZ * 2, CHUNK)
        return filled


class SafeDocument(PDFDocument):
    """pdfminer's document, with reference chains cut: an object whose value is a reference to itself
    (``7 0 obj 7 0 R endobj``, e.g. as a stream's /Length) made ``resolve1`` loop forever. After
    MAX_REFERENCE_CHAIN references in a row the chain resolves to None (pdfminer then treats a /Length as
    missing and finds the stream's end by its ``endstream``). Objects that cannot be found are remembered."""

    _chain = 0
    _missing: frozenset[int] | set[int] = frozenset()

    def getobj(self, objid: int) -> object:
        # An object that cannot be parsed is looked for again on every use, each time scanning tokens from a
        # wrong offset (0.4 s per page of a 40-page report with one flipped cross-reference entry): remember it.
        if objid in self._missing:
            raise PDFObjectNotFound(objid)
        try:
            obj = super().getobj(objid)
        except PDFObjectNotFound:
            if not self._missing:
                self._missing = set()
            self._missing.add(objid)
            raise
        if isinstance(obj, PDFObjRef):
            self._chain += 1
            if self._chain > MAX_REFERENCE_CHAIN:
                self._chain = 0
                return None
        else:
            self._chain = 0
        return obj


def _resolve(value: object) -> object:
    """pdfminer's resolve1 with a bounded number of links."""
    for _ in range(MAX_REFERENCE_CHAIN):
        if not isinstance(value, PDFObjRef):
            return value
        value = value.resolve()
    return None


@contextlib.contextmanager
def _bounded_pdfminer() -> Iterator[None]:
    """pdfplumber builds its document from the names PDFParser and PDFDocument of its own module: point them
    at the bounded classes while it opens a file (one document per process: nothing else is opening one)."""
    import pdfplumber.pdf as plumber_pdf

    saved = plumber_pdf.PDFParser, plumber_pdf.PDFDocument
    plumber_pdf.PDFParser, plumber_pdf.PDFDocument = BoundedParser, SafeDocument
    try:
        yield
    finally:
        plumber_pdf.PDFParser, plumber_pdf.PDFDocument = saved


class LogCount(logging.Handler):
    """Counts the warnings a PDF library logs (and keeps the first, shortened)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.first = ""

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if not self.first:
            try:
                message = " ".join(record.getMessage().split())
            except Exception:  # a library's own formatting bug: the count is what matters
                message = str(record.msg)
            self.first = message[:120] + ("…" if len(message) > 120 else "")


def _no_debug(*_args: object, **_kwargs: object) -> None:
    return None


@contextlib.contextmanager
def library_log() -> Iterator[LogCount]:
    """pdfminer logs problems to the terminal, one line each and without the file's name: while a document is
    read they are counted instead (the reader summarises them in one warning).

    pdfminer also asks its loggers for a debug line per token and per operator, 200,000 times for the three
    pages of the real PDFs pdfium cannot decode, and each ask costs two Python calls when nothing is shown. While
    a document is read, a pdfminer logger that would show no debug line answers with a no-op instead (half the
    cost; a logger set to show them is left alone)."""
    logger = logging.getLogger("pdfminer")
    handler = LogCount()
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    quiet = [lg for name, lg in list(logging.Logger.manager.loggerDict.items())
             if (name == "pdfminer" or name.startswith("pdfminer.")) and isinstance(lg, logging.Logger)
             and "debug" not in vars(lg) and not lg.isEnabledFor(logging.DEBUG)]
    for lg in quiet:
        lg.debug = _no_debug
    try:
        yield handler
    finally:
        for lg in quiet:
            vars(lg).pop("debug", None)
        logger.removeHandler(handler)
        logger.propagate = propagate


def open_plumber(path: str | Path):
    """pdfplumber.open(path) on the bounded pdfminer classes. Raises what pdfplumber raises."""
    import pdfplumber

    with _bounded_pdfminer():
        return pdfplumber.open(path)


# ---------------------------------------------------------------------------------------------------------
# Counting the characters a page's strings can show
# ---------------------------------------------------------------------------------------------------------

# Where a string ("(", "<" but not "<<") or inline image data ("ID" between white space) may start. A single
# character class: re scans it ~6x faster than an alternation, which matters for 64 MB of content.
_STRING_START = re.compile(rb"[(<I]")
_WHITE = b"\x00\t\n\x0c\r "
_INLINE_IMAGE_END = re.compile(rb"[\x00\t\n\x0c\r ]EI(?=[\x00\t\n\x0c\r ]|$)")
_LITERAL_STOP = re.compile(rb"[()\\]")


class StringBytes:
    """Counts the bytes of string operands ((literal) and <hex>, hex digits counting half) in content fed
    piece by piece; strings may span pieces. Linear time: the scanning is done by re/bytes in C."""

    def __init__(self) -> None:
        self.total = 0
        self._depth = 0  # > 0 inside a literal string (parentheses nest)
        self._hex = False
        self._skip = 0  # an escape at the end of the previous piece
        self._open_angle = False
        self._image = False

    def feed(self, piece: bytes) -> int:
        if self._open_angle:  # a "<" ended the previous piece: "<<" (a dictionary) or a hex string?
            piece = b"<" + piece
            self._open_angle = False
        i, n = self._skip, len(piece)
        self._skip = 0
        while i < n:
            if self._depth:
                m = _LITERAL_STOP.search(piece, i)
                if m is None:
                    self.total += n - i
                    break
                j = m.start()
                self.total += j - i
                stop = piece[j]
                if stop == 0x5C:  # backslash: the next byte is part of the string
                    self.total += 2
                    i = j + 2
                    self._skip = max(0, i - n)
                elif stop == 0x28:
                    self._depth += 1
                    self.total += 1
                    i = j + 1
                else:
                    self._depth -= 1
                    self.total += 1 if self._depth else 0
                    i = j + 1
            elif self._image:  # inline image data (binary): skip to its end, EI between white space
                m = _INLINE_IMAGE_END.search(piece, i)
                if m is None:
                    break  # (an EI split across pieces is missed: the count can only grow, rarely)
                self._image = False
                i = m.end()
            elif self._hex:
                j = piece.find(b">", i)
                end = n if j < 0 else j
                self.total += (end - i) // 2
                self._hex = j < 0
                i = end + 1
            else:
                m = _STRING_START.search(piece, i)
                if m is None:
                    break
                j = m.start()
                token = piece[j]
                if token == 0x28:  # (
                    self._depth = 1
                    i = j + 1
                elif token == 0x3C:  # <
                    if j + 1 == n:
                        self._open_angle = True
                        break
                    if piece[j + 1] == 0x3C:  # << a dictionary
                        i = j + 2
                    else:
                        self._hex = True
                        i = j + 1
                else:  # I: the ID operator (inline image data follows) or a letter of another token
                    if (piece[j + 1 : j + 2] == b"D" and j > 0 and piece[j - 1] in _WHITE
                            and piece[j + 2 : j + 3] in (b"", *(bytes([w]) for w in _WHITE))):
                        self._image = True
                    i = j + 1
        return self.total


# ---------------------------------------------------------------------------------------------------------
# The guard
# ---------------------------------------------------------------------------------------------------------


def too_many_chars(page_number: int, n_chars: int, limit: int, at_least: bool = False) -> DocumentError:
    amount = f"over {n_chars:,}" if at_least else f"{n_chars:,}"
    return DocumentError(
        f"page {page_number} has {amount} characters (the limit is {limit:,}): malformed or hostile PDF, not read"
    )


def too_large(page_number: int | None, limit: int = CONTENT_BYTES_LIMIT) -> DocumentError:
    where = f"page {page_number} content" if page_number else "content"
    return DocumentError(f"{where} is over {limit >> 20} MB when unpacked: malformed or hostile PDF, not read")


class _PageBudget:
    """Bytes unpacked and string bytes seen for one page, against its limits."""

    def __init__(self, page_number: int, max_chars: int, limit: int):
        self.page_number, self.max_chars, self.limit = page_number, max_chars, limit
        self.seen = 0
        self.counter = StringBytes()
        self.pending: list[bytes] = []  # not scanned yet: content of at most max_chars bytes cannot exceed it

    def content(self, pieces: Iterator[bytes]) -> None:
        for piece in pieces:
            self.seen += len(piece)
            if self.seen > self.limit:
                raise too_large(self.page_number, self.limit)
            self.pending.append(piece)
            if self.seen > self.max_chars:
                for p in self.pending:
                    self.counter.feed(p)
                self.pending.clear()
                # one char takes at least one byte of a string operand and at most two (CID fonts)
                if self.counter.total // 2 > self.max_chars:
                    raise too_many_chars(self.page_number, self.counter.total // 2, self.max_chars, at_least=True)


class ContentGuard:
    """Checks each page before a reader builds it (``check(index, page_number)``, pages in order), from the raw
    streams and pdfminer's lazy page tree; see the module docstring. ``close()`` when done."""

    def __init__(self, path: str | Path, max_chars: int, limit: int = CONTENT_BYTES_LIMIT):
        self.path = Path(path)
        self.max_chars = max_chars
        self.limit = limit
        self.whole_file_checked = False
        self._file = None
        self._raw = None  # read by _raw_object
        self._doc: SafeDocument | None = None
        self._pages: Iterator | None = None
        self._seen: list = []
        self._checked: set[int] = set()  # streams (by object number) already decoded: shared fonts and forms
        self.pdfminer_pages: int | None = None  # set when pdfminer's page tree ended before the reader's pages
        self._fonts: dict[int, dict] = {}  # font dictionary (object number) -> what _font_entries read of it
        try:
            self._file = open(self.path, "rb")  # noqa: SIM115 - closed in close()
            self._doc = SafeDocument(BoundedParser(self._file))
            self._pages = PDFPage.create_pages(self._doc)
        except Exception:  # pdfminer cannot parse the file: every stream is checked on the first page instead
            self._pages = None

    def check(self, index: int, page_number: int) -> None:
        """Raise DocumentError if page ``index`` draws more chars than allowed or unpacks beyond the limit."""
        if self.whole_file_checked:
            return
        try:
            page = self._page(index)
        except Exception:  # a damaged page tree
            page = None
        if page is None:  # pdfminer does not see this page: the page tree cannot be trusted
            self.check_whole_file()
            return
        try:
            self._check_page(page, page_number)
        except DocumentError:
            raise
        except Exception:  # an object pdfminer cannot parse: the streams it hides are checked from the bytes
            self.check_whole_file()
        finally:
            # pdfminer keeps every object it resolved: drop the streams so memory stays flat with document
            # length (dictionaries stay: fonts' width arrays are parsed once, not once per page).
            cache = getattr(self._doc, "_cached_objs", {})
            for objid in [k for k, (obj, _gen) in cache.items() if isinstance(obj, PDFStream)]:
                del cache[objid]

    def _page(self, index: int):
        while self._pages is not None and len(self._seen) <= index:
            try:
                self._seen.append(next(self._pages))
            except StopIteration:
                self._pages = None
                self.pdfminer_pages = len(self._seen)
        page = self._seen[index] if index < len(self._seen) else None
        if page is not None:
            self._seen[index] = None  # keep memory flat: pages are visited once
        return page

    def _check_page(self, page: PDFPage, page_number: int) -> None:
        budget = _PageBudget(page_number, self.max_chars, self.limit)
        for stream in _streams(page.contents or []):
            budget.content(self._pieces(stream, page_number))
        forms: list[PDFStream] = []
        shared: list[PDFStream] = []
        _resource_streams(page.resources, forms, shared, set(), 0, self._checked, self._font_entries)
        for stream in forms:  # drawn by this page: their strings count towards its characters
            if self._first_time(stream):
                budget.content(self._pieces(stream, page_number))
        for stream in shared:  # font programs and Unicode maps: only their size matters
            if self._first_time(stream):
                for _piece in self._pieces(stream, page_number):
                    pass

    def _font_entries(self, font: object) -> dict:
        """What the guard reads of a font dictionary (ToUnicode, FontDescriptor, DescendantFonts, and for a
        Type 3 font its glyphs and resources). A simple font's dictionary holds its /Widths and a CID font's its
        /W (thousands of numbers), which pdfminer parses token by token (3% of reading our renderings): the
        references are read from the object's bytes where they leave no doubt (_font_references), else the
        dictionary is parsed. Fonts are shared by pages: each is read once."""
        if not isinstance(font, PDFObjRef) or self._doc is None:
            return _dict(font)
        entries = self._fonts.get(font.objid)
        if entries is None:
            if font.objid not in getattr(self._doc, "_cached_objs", {}):
                entries = _font_references(self._raw_object(font.objid), self._doc)
            self._fonts[font.objid] = entries = entries if entries is not None else _dict(font)
        return entries

    def _raw_object(self, objid: int) -> bytes | None:
        """The bytes of object ``objid`` between ``obj`` and ``endobj``, where pdfminer would parse it from the
        file itself (not from an object stream, not encrypted) and it ends within RAW_OBJECT_LIMIT; else None."""
        doc = self._doc
        if doc is None or self._file is None or doc.decipher is not None:
            return None
        if self._raw is None:  # a handle of its own: pdfminer's parser reads through self._file
            self._raw = open(self.path, "rb")  # noqa: SIM115 - closed in close()
        for xref in doc.xrefs:  # pdfminer's order: the first cross-reference section that lists the object
            try:
                strmid, offset, genno = xref.get_pos(objid)
            except KeyError:
                continue
            if strmid is not None:
                return None
            self._raw.seek(offset)
            head, size = b"", 1 << 14
            while True:  # most font dictionaries end within the first read
                head += self._raw.read(size - len(head))
                end = head.find(b"endobj")
                if end >= 0 or len(head) < size or size >= RAW_OBJECT_LIMIT:
                    break
                size *= 8
            header = _OBJECT_HEADER.match(head)
            if header is None or end < 0 or (int(header.group(1)), int(header.group(2))) != (objid, genno):
                return None
            return head[header.end() : end]
        return None

    def _first_time(self, stream: PDFStream) -> bool:
        key = stream.objid if stream.objid is not None else id(stream)
        if key in self._checked:
            return False
        self._checked.add(key)
        return True

    def _pieces(self, stream: PDFStream, page_number: int | None) -> Iterator[bytes]:
        raw = stream.rawdata if stream.rawdata is not None else stream.data
        if raw is None:
            return iter(())
        if stream.decipher is not None and stream.rawdata is not None and stream.objid is not None:
            raw = stream.decipher(stream.objid, stream.genno, raw, stream.attrs)
        return _reraise_as(decoded_pieces(raw, filter_names(stream.get_any(("F", "Filter"), [])), self.limit),
                           page_number, self.limit)

    def check_whole_file(self) -> None:
        """Decode every stream of the file, found by scanning its bytes (object streams included); raise
        DocumentError for one that unpacks beyond the limit. Done once; later pages are not checked again
        (pdfium's own character count, and the worker's limits, remain)."""
        if self.whole_file_checked:
            return
        self.whole_file_checked = True
        self._pages = None
        with open(self.path, "rb") as fh:
            try:
                data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
            except ValueError:  # an empty file
                return
        with data:
            for raw, filters in _raw_streams(data):
                for _piece in _reraise_as(decoded_pieces(raw, filters, self.limit), None, self.limit):
                    pass

    def close(self) -> None:
        for handle in (self._file, self._raw):
            if handle is not None:
                handle.close()


def _reraise_as(pieces: Iterator[bytes], page_number: int | None, limit: int) -> Iterator[bytes]:
    try:
        yield from pieces
    except _Unpacked:
        raise too_large(page_number, limit) from None


def _streams(values: Iterable, known: set[int] = frozenset()) -> list[PDFStream]:
    """The streams among ``values``, resolved; references to ``known`` objects are not resolved at all."""
    fresh = (v for v in values if not (isinstance(v, PDFObjRef) and v.objid in known))
    return [s for s in (_resolve(v) for v in fresh) if isinstance(s, PDFStream)]


def _dict(value: object) -> dict:
    value = _resolve(value)
    if isinstance(value, PDFStream):
        return value.attrs
    return value if isinstance(value, dict) else {}


def _name(value: object) -> str:
    return str(getattr(_resolve(value), "name", "") or "")


def _resource_streams(resources: object, forms: list, shared: list, visited: set, depth: int,
                      known: set[int], font_entries: Callable[[object], dict] = _dict) -> None:
    """The streams a reader decodes to read text drawn with ``resources``: form XObjects and Type 3 glyph
    procedures (content: ``forms``), font programs and Unicode maps (``shared``), recursively.
    ``font_entries``: a font (or descendant font) dictionary, usually a reference -> its entries."""
    resources = _dict(resources)
    if id(resources) in visited or depth > FORM_DEPTH_LIMIT:
        return
    visited.add(id(resources))
    for font_ref in _dict(resources.get("Font")).values():
        font = font_entries(font_ref)
        shared += _streams([font.get("ToUnicode")], known)
        descendants = _resolve(font.get("DescendantFonts"))
        for part in [font, *(font_entries(d) for d in (descendants if isinstance(descendants, list) else []))]:
            descriptor = _dict(part.get("FontDescriptor"))
            shared += _streams([descriptor.get(k) for k in ("FontFile", "FontFile2", "FontFile3")], known)
        if _name(font.get("Subtype")) == "Type3":
            forms += _streams(_dict(font.get("CharProcs")).values(), known)
            _resource_streams(font.get("Resources"), forms, shared, visited, depth + 1, known, font_entries)
    for stream in _streams(_dict(resources.get("XObject")).values(), known):
        if _name(stream.get("Subtype")) == "Form":
            forms.append(stream)
            _resource_streams(stream.get("Resources"), forms, shared, visited, depth + 1, known, font_entries)
        elif stream.objid is not None:  # an image: readers do not decode it for text; never resolved again
            known.add(stream.objid)


_OBJECT_HEADER = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj\b")
RAW_OBJECT_LIMIT = 1 << 20  # a font dictionary is read from its bytes (_font_references) when it ends within this
_REFERENCE = rb"\s+(\d+)\s+(\d+)\s+R(?=[\s/<>\[\]()]|$)"
_FONT_REFERENCES = {
    "ToUnicode": re.compile(rb"/ToUnicode" + _REFERENCE),
    "FontDescriptor": re.compile(rb"/FontDescriptor" + _REFERENCE),
    # an array of references written in place, or a reference to one (resolved as any value)
    "DescendantFonts": re.compile(rb"/DescendantFonts\s*(?:\[((?:\s*\d+\s+\d+\s+R)*)\s*\]|" + _REFERENCE[3:] + rb")"),
}
_REFERENCES_IN_ARRAY = re.compile(rb"(\d+)\s+\d+\s+R")
_PARENTHESIS = re.compile(rb"[()]")
# Bytes that could hide a name or where a string ends (# escapes spell a name another way; backslashes escape
# parentheses; comments), and what makes a font one the guard must walk (Type 3 glyphs and their resources).
_FONT_DOUBTS = (b"#", b"\\", b"%", b"stream", b"Type3", b"CharProcs", b"Resources")


def _font_references(raw: bytes | None, doc: PDFDocument) -> dict | None:
    """The entries the guard reads of a font dictionary given as its bytes (between ``obj`` and ``endobj``),
    as references, when no reading of them can give others: one dictionary; each name written once, plainly,
    outside every string (literal strings balanced), its value a plain reference; no bytes of _FONT_DOUBTS.
    None (parse it) when any of that fails. A name found only where a reader would not look for it (a nested
    dictionary, a string) gives pdfium nothing to decode, so checking what it names is harmless."""
    if raw is None:
        return None
    body = raw.strip()
    if not (body.startswith(b"<<") and body.endswith(b">>")) or any(mark in raw for mark in _FONT_DOUBTS):
        return None
    outside: list[tuple[int, int]] = []  # spans of the bytes outside literal strings
    depth, start = 0, 0
    for m in _PARENTHESIS.finditer(raw):
        if raw[m.start()] == 0x28:
            if depth == 0:
                outside.append((start, m.start()))
            depth += 1
        else:
            depth -= 1
            if depth < 0:
                return None
            if depth == 0:
                start = m.end()
    if depth:
        return None
    outside.append((start, len(raw)))
    entries: dict = {}
    for key, pattern in _FONT_REFERENCES.items():
        name = b"/" + key.encode()
        count = raw.count(name)
        if count == 0:
            continue
        found = pattern.search(raw)
        if count > 1 or found is None or not any(a <= found.start() and found.end() <= b for a, b in outside):
            return None
        if key == "DescendantFonts" and found.group(1) is not None:
            entries[key] = [PDFObjRef(doc, int(n)) for n in _REFERENCES_IN_ARRAY.findall(found.group(1))]
        else:
            entries[key] = PDFObjRef(doc, int(found.group(found.lastindex - 1)))
    return entries


# "stream" after a dictionary, then the end of line the specification requires.
_STREAM_KEYWORD = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
_FILTER_VALUE = re.compile(rb"/(?:Filter|F)\s*(\[[^\]]*\]|/[^\s/\[\]<>()]+)")
_NAME = re.compile(rb"/([^\s/\[\]<>()]+)")


def _raw_streams(data) -> Iterator[tuple[bytes, list[str]]]:
    """(raw bytes, filter names) of every stream in the file, from its bytes alone: the data runs from the
    ``stream`` keyword to the next ``endstream`` (whatever /Length says); filters are read from the dictionary
    before it when they are written directly."""
    for m in _STREAM_KEYWORD.finditer(data):
        start = m.end()
        end = data.find(b"endstream", start)
        end = len(data) if end < 0 else end
        head = data[max(0, m.start() - 4096) : m.start() + 2]
        head = head[head.rfind(b"obj") + 3 :] if b"obj" in head else head
        filters = _FILTER_VALUE.search(head)
        names = [n.decode("latin-1") for n in _NAME.findall(filters.group(1))] if filters else []
        yield data[start:end], names
