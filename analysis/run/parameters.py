"""A notebook's ``parameters`` cell: what it declares, and whether a run's values fit it.

The cell is read with :mod:`ast` (never executed): each ``name: annotation = default`` line is
a :class:`Parameter`; the annotation (``str``, ``float``, ``str | None``) decides which values
``workbook run`` may inject. Anything else is refused with a :class:`ParameterError` before a
single notebook runs.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.errors import ParameterError

# the parameters every theme notebook declares (the runner injects them)
CONTRACT = ("snapshot", "claims", "as_of", "alpha", "theme", "results_path", "notes_dir")


@dataclass(frozen=True, slots=True)
class Parameter:
    """One assignment of a ``parameters`` cell: its name, annotation (source text) and default."""

    name: str
    annotation: str | None
    default: Any = None

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` matches the annotation (or, without one, the default's type)."""
        if self.annotation is None:
            if self.default is None:
                return True
            return _accepts(ast.parse(type(self.default).__name__, mode="eval").body, value)
        return _accepts(ast.parse(self.annotation, mode="eval").body, value)


_TYPES = {
    "str": str,
    "int": int,
    "float": (int, float),
    "bool": bool,
    "list": list,
    "dict": dict,
    "tuple": tuple,
}


def _accepts(node: ast.expr, value: Any) -> bool:
    """Whether ``value`` fits the annotation ``node``; an annotation it cannot read accepts all."""
    if isinstance(node, ast.Constant):
        if node.value is None:
            return value is None
        if isinstance(node.value, str):  # a quoted annotation
            try:
                return _accepts(ast.parse(node.value, mode="eval").body, value)
            except SyntaxError:
                return True
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _accepts(node.left, value) or _accepts(node.right, value)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if node.value.id == "Optional":
            return value is None or _accepts(args[0], value)
        if node.value.id == "Union":
            return any(_accepts(a, value) for a in args)
        return _accepts(node.value, value)
    if isinstance(node, ast.Name | ast.Attribute):
        name = node.id if isinstance(node, ast.Name) else node.attr
        if name == "None":
            return value is None
        kind = _TYPES.get(name)
        if kind is None:  # Any, Path, a type the check does not know: cannot tell
            return True
        return isinstance(value, kind) and (name == "bool" or not isinstance(value, bool))
    return True


def read_parameters(notebook: str | Path) -> dict[str, Parameter]:
    """The parameters a notebook declares: the assignments of its cell tagged ``parameters``.

    Parameters
    ----------
    notebook
        An ``.ipynb`` file.

    Returns
    -------
    dict
        Name to :class:`Parameter`, in the cell's order.

    Raises
    ------
    ParameterError
        When the notebook cannot be read, has no code cell tagged ``parameters``, or the cell
        is not valid Python.
    """
    source = next((_source(c) for c in _cells(notebook) if _is_parameters(c)), None)
    if source is None:
        raise ParameterError(notebook, "no code cell tagged 'parameters', expected the first one")
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(notebook, f"parameters cell line {exc.lineno}: {exc.msg}") from exc
    declared: dict[str, Parameter] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, annotation, value = node.target.id, ast.unparse(node.annotation), node.value
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            name, annotation, value = node.targets[0].id, None, node.value
        else:
            continue
        try:
            default = ast.literal_eval(value) if value is not None else None
        except (ValueError, TypeError, SyntaxError):  # a computed default: its type is unknown
            default = None
        declared[name] = Parameter(name, annotation, default)
    return declared


def _cells(notebook: str | Path) -> list:
    """The notebook's cells: its JSON as it is for a version-4 notebook, which the run's own
    notebooks are (papermill validates each as it runs it; nbformat's validator is slow to
    import), else read and converted by nbformat."""
    try:
        nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
        if isinstance(nb, dict) and nb.get("nbformat") == 4 and isinstance(nb.get("cells"), list):
            return [cell for cell in nb["cells"] if isinstance(cell, dict)]
        import nbformat

        return nbformat.read(notebook, as_version=4).cells
    except Exception as exc:
        raise ParameterError(notebook, f"not a readable notebook ({exc})") from exc


def _is_parameters(cell: Mapping[str, Any]) -> bool:
    metadata = cell.get("metadata")
    tags = metadata.get("tags") if isinstance(metadata, dict) else None
    return cell.get("cell_type") == "code" and isinstance(tags, list) and "parameters" in tags


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def validate_parameters(notebook: str | Path, values: Mapping[str, Any]) -> None:
    """Refuse ``values`` that the notebook's parameters cell does not declare, or mistypes.

    Raises
    ------
    ParameterError
        Naming the notebook, the parameter, what was passed and what the cell declares.
    """
    declared = read_parameters(notebook)
    for name, value in values.items():
        if name not in declared:
            raise ParameterError(
                notebook,
                f"unknown parameter {name!r}, the parameters cell declares "
                f"{', '.join(declared) or 'nothing'}",
                name=name,
            )
        if not declared[name].accepts(value):
            raise ParameterError(
                notebook,
                f"parameter {name!r} must be {declared[name].annotation or 'like its default'}, "
                f"but {value!r} ({type(value).__name__}) was passed",
                name=name,
            )
