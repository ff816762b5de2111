"""Executed notebooks to self-contained HTML pages (nbconvert's ``lab`` template, in-process).

A page loads nothing from another host: nbconvert's ``lab`` template would load require.js,
MathJax, MermaidJS and the widget renderer from CDNs, so a small template that extends it drops
those blocks, and every page is checked by :func:`external_references` before it is written.
Images are embedded (PNG outputs are inline already; ``embed_images`` inlines images that
Markdown cells reference). Code cells are hidden unless ``show_code`` is set. Without MathJax,
LaTeX in Markdown cells shows as its source: notebooks should write formulas in plain text.

Examples
--------
>>> from analysis.report.htmlexport import export_notebook
>>> export_notebook("reports/latest/index_levels.ipynb", "index_levels.html")  # doctest: +SKIP
"""

from __future__ import annotations

import html
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import nbformat
from jinja2 import DictLoader
from jupyter_core.paths import jupyter_path
from nbconvert import HTMLExporter

from analysis.errors import WorkbookError
from analysis.report.banners import csp_meta, page_css, synthetic_banner
from analysis.system import write_text_atomic

_TEMPLATE = "workbook_page.html.j2"
# the lab template minus every block that loads a script from a CDN
_TEMPLATE_SOURCE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
"""

# nbconvert warns about every figure without alt text; the pages are reports, not the place
_LOG = logging.getLogger(__name__)
_LOG.setLevel(logging.ERROR)
_EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.\-]*:)?//", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*['"]?\s*((?:[a-z][a-z0-9+.\-]*:)?//[^'")\s]*)""", re.IGNORECASE)
_CSS_IMPORT = re.compile(
    r"""@import\s+(?:url\(\s*)?['"]?\s*((?:[a-z][a-z0-9+.\-]*:)?//[^'")\s;]*)""", re.IGNORECASE
)
_JS_LOAD = re.compile(
    r"""(?:\bimport\s*\(\s*|\bfrom\s+|\bimport\s+|\.src\s*=\s*|\bfetch\s*\(\s*)"""
    r"""['"`]((?:[a-z][a-z0-9+.\-]*:)?//[^'"`]*)""",
    re.IGNORECASE,
)
# attributes that make a browser load something, by tag ("*": any tag)
_LOADING = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
    "*": ("background",),
}
_EXECUTED_SCRIPT = {"", "text/javascript", "application/javascript", "module"}


class ExportError(WorkbookError):
    """A notebook could not be turned into a self-contained page."""


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in: str | None = None  # "style" or "script" while inside one that runs

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        watched = _LOADING.get(tag, ()) + _LOADING["*"]
        for name, value in attrs:
            if value is None:
                continue
            if name in watched:
                if name == "srcset":  # "a.png 1x, https://x/b.png 2x"
                    urls = [c.split()[0] for c in value.split(",") if c.strip()]
                else:
                    urls = [value]
                self.found += [f"<{tag} {name}>: {u.strip()}" for u in urls if _EXTERNAL.match(u)]
            elif name == "style":
                self._css(value, f"<{tag} style>")
            elif tag == "meta" and name == "content" and "url=" in value.lower():
                url = value.lower().split("url=", 1)[1]
                if _EXTERNAL.match(url):
                    self.found.append(f"<meta refresh>: {url.strip()}")
        if tag == "style":
            self._in = "style"
        elif tag == "script":
            kind = (dict(attrs).get("type") or "").strip().lower()
            self._in = "script" if kind in _EXECUTED_SCRIPT else None

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self._css(data, "<style>")
        elif self._in == "script":
            self.found += [f"<script> loads: {u}" for u in _JS_LOAD.findall(data)]

    def _css(self, text: str, where: str) -> None:
        self.found += [f"{where} url(): {u}" for u in _CSS_URL.findall(text)]
        self.found += [f"{where} @import: {u}" for u in _CSS_IMPORT.findall(text)]


def external_references(page: str) -> list[str]:
    """Every resource ``page`` would load from another host, as ``"<tag attr>: url"`` lines.

    Looks at ``src``/``href``/``srcset``/``data``/``poster`` of the tags that load something
    (``script``, ``link``, ``img``, ``iframe``, ``object``, ...), at ``url()`` and ``@import`` in
    style sheets and ``style`` attributes, and at ``import()``/``fetch()`` in scripts that run.
    Plain links (``<a href>``, ``<area href>``) are not resources and are allowed, and so is
    ``data:`` and every relative URL. ``JSON-LD`` blocks are data, not scripts.

    Parameters
    ----------
    page
        An HTML document.

    Returns
    -------
    list of str
        Empty when the page is self-contained.

    Examples
    --------
    >>> external_references('<a href="https://fred.stlouisfed.org">FRED</a>')
    []
    >>> external_references('<script src="https://cdn.example/x.js"></script>')
    ['<script src>: https://cdn.example/x.js']
    """
    parser = _References()
    parser.feed(page)
    parser.close()
    return parser.found


def exporter(*, show_code: bool = False) -> HTMLExporter:
    """A fresh nbconvert ``HTMLExporter`` (``lab`` template) that loads nothing from a CDN.

    Not for two threads at once: an export registers its own filters on the exporter's Jinja
    environment (:func:`_borrowed` lends one exporter to one export at a time).
    """
    hide = not show_code
    return HTMLExporter(
        log=_LOG,
        template_name="lab",
        template_file=_TEMPLATE,
        extra_loaders=[DictLoader({_TEMPLATE: _TEMPLATE_SOURCE})],
        exclude_input=hide,
        exclude_input_prompt=hide,
        exclude_output_prompt=hide,
        embed_images=True,
        mathjax_url="",
        require_js_url="",
        jquery_url="",
        widget_renderer_url="",
        jupyter_widgets_base_url="",
    )


# a PNG of one pixel, for warm_up
_PIXEL = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5Er"
    "kJggg=="
)
# exporters not in use, by show_code: a new exporter compiles the lab template's Jinja files
# again (some 0.07 s, twice what the export of a page then takes); at most one per concurrent
# export is ever made
_IDLE: dict[bool, list[HTMLExporter]] = {False: [], True: []}
_IDLE_LOCK = threading.Lock()


@contextmanager
def _borrowed(show_code: bool) -> Iterator[HTMLExporter]:
    """An exporter for this export alone: an idle one, else a new one; idle again after a
    page it exported (one that failed mid-export is dropped, whatever state it was left in)."""
    with _IDLE_LOCK:
        idle = _IDLE[show_code]
        lent = idle.pop() if idle else None
    lent = lent or exporter(show_code=show_code)
    yield lent
    kept = getattr(lent, "_nb_metadata", None)  # nbconvert keeps each page's metadata by name:
    if isinstance(kept, dict):  # a long-lived process (a Dask worker) would pile them up
        kept.clear()
    with _IDLE_LOCK:
        _IDLE[show_code].append(lent)


def notebook_to_html(
    notebook: nbformat.NotebookNode | str | Path,
    *,
    show_code: bool = False,
    title: str | None = None,
    banner: str = "",
) -> str:
    """Render a notebook (a node or an ``.ipynb`` path) as one self-contained HTML page.

    Parameters
    ----------
    notebook
        The executed notebook.
    show_code
        Keep the code cells (hidden by default: the page shows Markdown and outputs).
    title
        The page's ``<title>``; default the notebook's metadata title, else its file name.
    banner
        HTML put at the top of the page's body (the runner's link back to the scorecard and the
        synthetic-data warning).

    Returns
    -------
    str
        The page.

    Raises
    ------
    ExportError
        When the page would load anything from another host (a Markdown image from the web,
        a library from a CDN): the message lists what.
    """
    path = None
    if not isinstance(notebook, nbformat.NotebookNode):
        path = Path(notebook)
        notebook = nbformat.read(path, as_version=4)
    name = (
        title or notebook.metadata.get("title") or _heading(notebook)
        or (path.stem if path else "notebook")
    )  # fmt: skip
    resources = {"metadata": {"name": name, "path": str(path.parent) if path else ""}}
    with _borrowed(show_code) as lent:
        page, _ = lent.from_notebook_node(notebook, resources=resources)
    page = page.replace("<head>", f"<head>\n{csp_meta()}", 1)
    page = page.replace("</head>", f"<style>{page_css()}{_dark_theme()}</style>\n</head>", 1)
    if banner:
        page = page.replace("<main>", f"<main>\n{banner}", 1)
    if refs := external_references(page):
        where = path or name
        raise ExportError(
            f"{where}: the HTML page would load {len(refs)} resource(s) from other hosts "
            f"({'; '.join(refs[:3])}); embed them or drop them from the notebook"
        )
    return page


def warm_up(*, show_code: bool = False) -> None:
    """Export a small page and drop it: a process's first page compiles the lab template's
    Jinja files and builds what nbconvert's HTML parser, CSS selectors and Markdown renderer
    keep (some 0.3 s). ``workbook run`` does it while it waits for its template process; its
    pages are then exported with the exporter this leaves idle."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    chart = new_code_cell("chart", execution_count=1, outputs=[
        new_output("display_data", data={"image/png": _PIXEL, "text/plain": "<Figure>"}),
        new_output("display_data", data={"text/html": "<table><tr><td>1</td></tr></table>"}),
        new_output("stream", name="stdout", text="printed\n"),
    ])  # fmt: skip
    text = new_markdown_cell("# Warm-up\n\n<a id='claim'></a>*Text* &amp; a [link](#claim).")
    language = {"language_info": {"name": "python", "pygments_lexer": "ipython3"}}
    notebook_to_html(new_notebook(cells=[text, chart], metadata=language), show_code=show_code)


def _heading(notebook: nbformat.NotebookNode) -> str | None:
    """The text of the notebook's first level-1 Markdown heading (the page's title in words)."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return None


@cache
def _dark_theme() -> str:
    """JupyterLab's dark theme variables, applied when the reader's system prefers dark."""
    for root in jupyter_path("nbconvert", "templates", "lab"):
        css = Path(root) / "static" / "theme-dark.css"
        if css.is_file():
            return "@media (prefers-color-scheme:dark){" + css.read_text(encoding="utf-8") + "}"
    return ""


def export_notebook(
    ipynb: str | Path, html_path: str | Path, *, show_code: bool = False, banner: str = ""
) -> Path:
    """Write the page of an executed notebook to ``html_path`` (atomically) and return the path.

    See :func:`notebook_to_html` for the options and errors.
    """
    html_path = Path(html_path)
    page = notebook_to_html(ipynb, show_code=show_code, banner=banner)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    return write_text_atomic(html_path, page)


def page_banner(
    *, scorecard: str = "index.html", synthetic: bool = False, note: str = "", error: str = ""
) -> str:
    """The strip at the top of each theme page: back to the scorecard, the data's kind, and the
    notebook's failure when it failed."""
    box = "color:#fff;font:bold 18px system-ui,sans-serif;padding:12px 16px;margin-bottom:12px;"
    parts = [
        "<nav style='font:14px system-ui,sans-serif;padding:6px 0;margin-bottom:8px;"
        "border-bottom:1px solid #d0d7de'>"
        f"<a href='{html.escape(scorecard)}'>&larr; scorecard</a>"
        + (f" &middot; {html.escape(note)}" if note else "")
        + "</nav>"
    ]
    if synthetic:
        parts.append(synthetic_banner())
    if error:
        parts.append(
            f"<div role='alert' class='workbook-failed' style='background:#000;{box}'>"
            f"THIS NOTEBOOK FAILED: {html.escape(error)}<div style='font-weight:400;"
            "font-size:14px'>The page shows the notebook up to the cell that failed, with the "
            "error where it happened; the cells after it did not run.</div></div>"
        )
    return "\n".join(parts)
