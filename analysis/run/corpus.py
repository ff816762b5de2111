"""Many articles in one run: ``workbook run --claims A.yaml --claims B.yaml``, ``--claims DIR``
(every ``*.yaml`` in it) or ``--claims CORPUS.yaml`` (a file holding ``corpus: [files...]``).

The corpus folder (``--out``) holds one report folder per article, named by its article id
(``<out>/<article id>/``, each a complete report as a single run writes it: pages, scorecard,
``results.json``), the corpus scorecard ``index.html`` (one row per article, sortable, linking
to each article's scorecard) and ``corpus.json``. Every article is planned and checked before
anything runs (bad input stops the whole run, exit 2); the themes of all the articles then
execute together, on this machine or as Dask tasks (:mod:`~analysis.run.cluster`). Each
article is reused exactly as a single run is: an article whose inputs are all unchanged is kept
as it is without starting anything, and a snapshot updated in place re-executes only the
articles that read a changed file (:func:`analysis.run.reuse.article_files`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from analysis import paths
from analysis.errors import RunError
from analysis.run import (
    ArticleRun,
    execute_articles,
    kept_report,
    load_snapshot,
    open_executor,
    reuse,
    settings_for,
)
from analysis.run.article import say
from analysis.run.model import RunSummary
from analysis.run.output import MARKER, check_protected
from analysis.system import write_text_atomic

CORPUS_MARKER = ".workbook-corpus"
MAX_CORPUS_FILE = 1_000_000  # bytes of a corpus file read
MAX_ARTICLES = 500


@dataclass(frozen=True, slots=True)
class CorpusSummary:
    """What a corpus run wrote: the corpus folder, its scorecard and results, and each
    article's :class:`RunSummary` under its id."""

    out: Path
    index: Path
    results: Path
    articles: tuple[tuple[str, RunSummary], ...]

    @property
    def failed(self) -> tuple[tuple[str, str], ...]:
        """``(article id, theme)`` for every notebook that failed."""
        return tuple((a, t.theme) for a, s in self.articles for t in s.failed)

    @property
    def ok(self) -> bool:
        return not self.failed


def claims_files(sources: Sequence[str | Path]) -> list[Path]:
    """The claims files named by ``sources``: a file as it is; a folder's ``*.yaml`` and
    ``*.yml`` files, sorted; a corpus file's list (paths relative to it). Raises RunError."""
    found: list[Path] = []
    for source in map(Path, sources):
        if source.is_dir():
            found += sorted(p for p in source.iterdir() if p.suffix in (".yaml", ".yml")
                            and p.is_file() and not p.name.startswith("."))  # fmt: skip
        elif (listed := _corpus_list(source)) is not None:
            found += listed
        else:
            found.append(source)
    if not found:
        raise RunError(f"--claims {', '.join(map(str, sources))}: no claims file found")
    if len(found) > MAX_ARTICLES:
        raise RunError(f"--claims: {len(found)} claims files, at most {MAX_ARTICLES} a run")
    return found


def is_corpus_file(path: Path) -> bool:
    """Whether ``path`` is a corpus file (``corpus: [claims files]``), not a claims file."""
    return _corpus_list(path) is not None


def _corpus_list(path: Path) -> list[Path] | None:
    """The files a corpus file lists (``corpus: [a.yaml, ...]``), or None for another file."""
    if not path.is_file() or path.stat().st_size > MAX_CORPUS_FILE:
        return None
    try:
        with path.open(encoding="utf-8") as fh:
            doc = yaml.safe_load(fh.read(MAX_CORPUS_FILE))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None  # the claims loader says what is wrong with it
    if not (isinstance(doc, dict) and set(doc) == {"corpus"}):
        return None
    listed = doc["corpus"]
    if not (isinstance(listed, list) and listed and all(isinstance(p, str) for p in listed)):
        raise RunError(f"{path}: field 'corpus': expected a list of claims files")
    return [path.parent / p for p in listed]


def run_corpus(
    snapshot: str | Path,
    claims: Sequence[str | Path],
    *,
    out: str | Path,
    executor: str = "local",
    scheduler: str | None = None,
    jobs: int | None = None,
    notebooks_dir: str | Path = paths.NOTEBOOKS,
    notes_dir: str | Path = paths.NOTES,
    **options: Any,
) -> CorpusSummary:
    """Run every article of the corpus (module docstring) into ``out``; the other options are
    :func:`~analysis.run.run_all`'s."""
    settings = settings_for(jobs=jobs, notebooks_dir=notebooks_dir, notes_dir=notes_dir,
                            **options)  # fmt: skip
    out = Path(out).absolute()
    if settings.only:
        raise RunError("--only selects one article's themes; for one article of a corpus, run "
                       "its claims file alone")  # fmt: skip
    files = claims_files(claims)
    registries = _registries(files)
    ids = list(registries)
    _check_corpus_out(out, Path(snapshot))
    kept: dict[str, RunSummary] = {}
    keys = {}
    for name, path in zip(ids, files, strict=True):
        keys[name] = reuse.run_key(Path(snapshot), path, settings.notes_dir,
                                   settings.notebooks_dir, settings.key_options())  # fmt: skip
        if not settings.force and (done := kept_report(out / name, keys[name], Path(snapshot),
                                                       progress=False)):  # fmt: skip
            kept[name] = done
    todo = [(n, p) for n, p in zip(ids, files, strict=True) if n not in kept]
    if kept:
        line = f"{len(kept)} article(s) unchanged since the last run, kept as they are"
        say(line, settings.progress)
    summaries: dict[str, RunSummary] = dict(kept)
    if todo:
        with open_executor(executor, scheduler, settings.jobs) as ex:
            snap = load_snapshot(snapshot)
            articles = [ArticleRun.plan(snap, path, out / name, keys[name], settings,
                                        ex.evaluator(snap.root), label=f"{name}/",
                                        registry=registries[name])
                        for name, path in todo]  # fmt: skip
            done = execute_articles(articles, snap, ex, settings)
        summaries |= {name: s for (name, _), s in zip(todo, done, strict=True)}
    ordered = tuple((name, summaries[name]) for name in ids)
    index, results = _write_corpus(out, ordered, files, Path(snapshot))
    return CorpusSummary(out, index, results, ordered)


def _registries(files: Sequence[Path]) -> dict:
    """Each claims file loaded, by its article id (the folder its report goes to), in order;
    two files of one article are refused. Raises ClaimsError for a file that does not load."""
    from analysis.claims import load_claims

    loaded: dict = {}
    for path in files:
        registry = load_claims(path)
        name = registry.article.id
        if name in loaded:
            raise RunError(f"--claims: {loaded[name].path} and {path} are both article "
                           f"{name!r}; each article's report is a folder named by its "
                           "id")  # fmt: skip
        loaded[name] = registry
    return loaded


def _check_corpus_out(out: Path, snapshot: Path) -> None:
    """The corpus folder must be new, empty or one a corpus run wrote (its marker, written
    with the corpus page at the end), and not the snapshot's or the project's own folders."""
    if out.is_dir() and (out / MARKER).is_file():
        raise RunError(f"--out {out}: holds a single article's report; a corpus needs a folder "
                       "of its own")  # fmt: skip
    if out.is_dir() and any(out.iterdir()) and not (out / CORPUS_MARKER).is_file():
        raise RunError(f"--out {out}: holds files that are not a workbook corpus (no "
                       f"{CORPUS_MARKER}); choose an empty or new folder")  # fmt: skip
    check_protected(out, (snapshot, paths.NOTEBOOKS, paths.DATA))


def _write_corpus(out: Path, articles, files: Sequence[Path], snapshot: Path) -> tuple[Path, Path]:
    """``corpus.json`` and the corpus scorecard ``index.html``, each written whole (a
    temporary file renamed into place)."""
    from analysis.report.corpus import corpus_document, render_corpus

    document = corpus_document(out, articles, files, snapshot)
    write_text_atomic(out / CORPUS_MARKER, json.dumps({"written_by": "workbook run"}) + "\n")
    results = write_text_atomic(out / "corpus.json", json.dumps(document, indent=1) + "\n")
    index = write_text_atomic(out / "index.html", render_corpus(document))
    return index, results
