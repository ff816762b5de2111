"""Argument rewriting for the command line, kept apart so that ``analysis.cli`` stays small."""

from __future__ import annotations


def expand_sources(args: list[str]) -> list[str]:
    """Let ``--sources fred yahoo`` (space-separated, as in DESIGN.md) mean ``--sources fred
    --sources yahoo``: the command takes no positional argument, so a bare word after
    ``--sources`` can only be another source.
    """
    out: list[str] = []
    taking = skip_value = False
    for arg in args:
        if skip_value:
            out.append(arg)
            skip_value = False
        elif arg == "--":
            taking = False
            out.append(arg)
        elif arg == "--sources":
            out.append(arg)
            skip_value = taking = True
        elif arg.startswith("--sources="):
            out.append(arg)
            taking = True
        elif taking and not arg.startswith("-"):
            out.extend(["--sources", arg])
        else:
            taking = False
            out.append(arg)
    return out
