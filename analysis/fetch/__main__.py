"""``python -m analysis.fetch``: the ``workbook fetch`` command on its own."""

from analysis.fetch.command import fetch_cmd

if __name__ == "__main__":
    fetch_cmd(prog_name="workbook fetch")
