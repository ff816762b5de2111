"""``python -m analysis``: the ``workbook`` command line."""

from analysis.cli import entry

if __name__ == "__main__":
    entry()
