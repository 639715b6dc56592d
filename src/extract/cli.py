"""The `reviewfigs` command. Each subcommand lives in the module of its stage, which provides
``add_arguments(parser)`` and ``run_command(args) -> int`` (the exit code)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "extract": ("extract.figures", "print every figure of one PDF (figures.csv columns)"),
    "check": ("extract.check", "precision, recall and every miss against hand-checked figures"),
    "run": ("extract.run", "extract every catalogued document into the processed tables"),
    "report": ("extract.report", "run the parameterised notebooks (papermill) into figures/"),
    "show": ("extract.show", "draw a page with every figure boxed"),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reviewfigs", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        # Import only the module of the command being run: keeps `reviewfigs extract` light.
        if name == command:
            module = importlib.import_module(module_name)
            module.add_arguments(p)
            p.set_defaults(_module=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in SUBCOMMANDS else None
    parser = build_parser(command)
    args = parser.parse_args(argv)
    if command is None:
        parser.print_help()
        return 2
    try:
        return int(args._module.run_command(args) or 0)
    except KeyboardInterrupt:
        print("reviewfigs: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


# Commands whose process may end without the interpreter's teardown: a run holds pandas, pyarrow and pdfium
# (~0.15 s to tear down) and has already written, renamed and closed everything it owes before returning.
FAST_EXIT = ("run",)


def console() -> None:
    """The `reviewfigs` executable: main(), then exit."""
    code = main()
    if sys.argv[1:2] and sys.argv[1] in FAST_EXIT:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (BrokenPipeError, OSError):  # a reader that went away (| head): nothing left to tell it
                pass
        os._exit(code)
    raise SystemExit(code)
