"""The notebooks here are fixtures for the runner's tests, executed by papermill there.

``boom.ipynb`` fails on purpose, so nbval must not collect them.
"""

collect_ignore_glob = ["*.ipynb"]
