"""``python -m analysis``: the ``workbook`` command line."""

from analysis.cli import main

if __name__ == "__main__":
    main(prog_name="workbook")
