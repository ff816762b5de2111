"""``python -m analysis.kinds [README.md]``: print the kinds reference, or rewrite it in place
between the ``<!-- kinds:start -->`` and ``<!-- kinds:end -->`` markers of the file given."""

import sys
from pathlib import Path

from analysis.kinds import reference_markdown

START, END = "<!-- kinds:start -->", "<!-- kinds:end -->"

if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(reference_markdown(), end="")
    else:
        path = Path(sys.argv[1])
        head, rest = path.read_text(encoding="utf-8").split(START, 1)
        tail = rest.split(END, 1)[1]
        path.write_text(f"{head}{START}\n{reference_markdown()}{END}{tail}", encoding="utf-8")
