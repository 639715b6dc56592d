"""processed/checks.csv: every document checked against its own printed totals, as BuzzFeed's NICS parser
checks each table it reads against the totals printed with it. A parser bug that shifts a column shows up here
first; so does a table that does not add up as printed.

    checked = extract_checked("tables.pdf", meta)   # the run's extractor: figures (flagged) and check rows
    rows = check_rows(figures, relations)           # one dict per check (tables.CHECKS_COLUMNS but doc_id)

What is checked comes from extract.grammar.tables (``Relation``): a parent row against the rows under it, a
合计/总计/小计 row against the rows it closes or leads, a 合计 (本地区, 全市) column against the columns beside it,
a heading's formula (5=4-2, 3=2/1*100) or a 公式 column's (A=B+C) on every row, and the debt tables' roll-forward
(year-end balance = last year's + issuance - repayment; limit = last year's + new limit).

Status, in the numbers as printed: ``ok`` when they agree exactly (for a formula: the result rounds to the printed
value), ``rounding`` when they agree within the rounding of the last printed digit of each number, ``mismatch``
otherwise. A 其中 breakdown may leave items out: its parts summing to less than the total is no check at all,
more than the total is a mismatch. A mismatch flags the total and its parts ``total_mismatch``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal, DivisionByZero, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from extract.grammar.tables import Relation, half_unit, printed_number, sum_status
from extract.model import DocMeta, Figure

if TYPE_CHECKING:
    from extract.read.ocr import OcrSettings

MISMATCH_FLAG = "total_mismatch"


@dataclass
class CheckedExtraction:
    """What a run's worker hands back: the figures (mismatches flagged) and the check rows."""

    figures: list[Figure] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)


def extract_checked(path: str | Path, meta: DocMeta | None = None, backend: str | None = None,
                    max_pages: int | None = None, document_info: dict | None = None,
                    ocr: OcrSettings | None = None) -> CheckedExtraction:
    """extract.figures.extract, then the checks of its tables; the figures of a mismatch are flagged. A dict
    given as ``document_info`` receives what documents.csv says of the document."""
    from extract.figures import extract

    extraction = extract(path, meta, backend=backend, max_pages=max_pages, document_info=document_info, ocr=ocr)
    rows = check_rows(extraction.figures, extraction.relations, flag=True)
    return CheckedExtraction(extraction.figures, rows)


def check_rows(figures: list[Figure], relations: list[Relation], flag: bool = False) -> list[dict]:
    """One row per relation that can be checked; with ``flag``, a mismatch adds total_mismatch to the flags of
    its figures."""
    rows = []
    for rel in relations:
        row = _check(figures, rel)
        if row is None:
            continue
        rows.append(row)
        if flag and row["status"] == "mismatch":
            for k in [rel.total, *(i for i, _ in rel.parts)]:
                _add_flag(figures[k], MISMATCH_FLAG)
    return rows


def _add_flag(fig: Figure, flag: str) -> None:
    flags = [f for f in fig.flags.split(";") if f]
    if flag not in flags:
        fig.flags = ";".join([*flags, flag])


def _printed(fig: Figure) -> tuple[Decimal, int] | None:
    """The figure's number as printed, with the sign of its value (（5.3） is negative only in a change column)."""
    printed = printed_number(fig.text)
    if printed is None or fig.value is None:
        return printed
    number, decimals = printed
    return (-abs(number) if fig.value < 0 else abs(number)), decimals


def _check(figures: list[Figure], rel: Relation) -> dict | None:
    total = figures[rel.total]
    printed_total = _printed(total)
    parts = [(figures[i], sign, _printed(figures[i])) for i, sign in rel.parts]
    if printed_total is None or any(p is None for _, _, p in parts):
        return None
    if rel.kind == "formula":
        result = _formula_status(printed_total, [p for _, _, p in parts], rel.expression)
        if result is None:
            return None
        expected, difference, status = result
    else:
        expected, difference, status = sum_status(printed_total, [(*p, sign) for _, sign, p in parts])
        if rel.partial and status == "mismatch" and difference > 0:
            return None  # a 其中 breakdown that leaves items out: not a check
    scale = _scale(total, printed_total[0])
    return {
        "locator": total.locator, "page": total.page, "kind": "total", "rule": rel.rule,
        "expected": float(expected) * scale, "found": total.value, "difference": float(difference) * scale,
        "unit": total.unit, "status": status,
        "parts": "; ".join(f.locator for f, _, _ in parts),
    }


def _scale(fig: Figure, printed: Decimal) -> float:
    """Base units per printed unit (1e4 for a table in 万元)."""
    if fig.value is None or printed == 0:
        return 1.0
    return fig.value / float(printed)


def _formula_status(total: tuple[Decimal, int], parts: list[tuple[Decimal, int]],
                    expression: str) -> tuple[Decimal, Decimal, str] | None:
    """A formula's result from the printed operands against the printed value: ok when it rounds to it,
    rounding when some rounding of the operands gives it, else mismatch. None when it cannot be computed
    (a division by zero, an expression it does not read)."""
    try:
        expected = evaluate(expression, [number for number, _ in parts])
        corners = [evaluate(expression, [n + s * half_unit(d) for (n, d), s in zip(parts, signs, strict=True)])
                   for signs in itertools.product((-1, 1), repeat=len(parts))] if len(parts) <= 6 else [expected]
    except (ArithmeticError, ValueError, InvalidOperation, DivisionByZero):
        return None
    number, decimals = total
    difference = number - expected
    if expected.quantize(Decimal(1).scaleb(-decimals)) == number:
        return expected, difference, "ok"
    low, high = min(corners), max(corners)
    margin = half_unit(decimals)
    if low - margin <= number <= high + margin:
        return expected, difference, "rounding"
    return expected, difference, "mismatch"


_TOKEN = re.compile(r"\s*(p\d+|\d+(?:\.\d+)?|[-+*/()])")


def evaluate(expression: str, values: list[Decimal]) -> Decimal:
    """The value of an arithmetic expression over p0, p1 … (+ - * / and brackets only: the formulas printed in
    table headings), without eval."""
    tokens = _TOKEN.findall(expression)
    if "".join(tokens) != expression.replace(" ", ""):
        raise ValueError(f"cannot read formula {expression!r}")
    pos = 0
    operations = {"+": Decimal.__add__, "-": Decimal.__sub__, "*": Decimal.__mul__, "/": Decimal.__truediv__}

    def level(operand, ops: str):
        """Left-associative operators ``ops`` over ``operand`` (products bind tighter than sums)."""
        def parse() -> Decimal:
            nonlocal pos
            value = operand()
            while pos < len(tokens) and tokens[pos] in ops:
                op = tokens[pos]
                pos += 1
                value = operations[op](value, operand())
            return value
        return parse

    def factor() -> Decimal:
        nonlocal pos
        if pos >= len(tokens):
            raise ValueError("formula ends early")
        token = tokens[pos]
        pos += 1
        if token == "(":
            value = expr()
            if pos >= len(tokens) or tokens[pos] != ")":
                raise ValueError("unbalanced brackets")
            pos += 1
            return value
        if token == "-":
            return -factor()
        if token.startswith("p"):
            return values[int(token[1:])]
        if token[0].isdigit():
            return Decimal(token)
        raise ValueError(f"unexpected {token!r}")

    term = level(factor, "*/")
    expr = level(term, "+-")
    value = expr()
    if pos != len(tokens):
        raise ValueError(f"cannot read formula {expression!r}")
    return value


def collect_checks(doc_ids_and_checks) -> list[dict]:
    """The rows of checks.csv from (doc_id, check rows) of every document read, in catalog order."""
    return [{"doc_id": doc_id, **row} for doc_id, rows in doc_ids_and_checks for row in rows]
