"""Merchant-editable templates, rendered in Jinja2's sandbox.

Templates are written by staff, so they run in `SandboxedEnvironment` (no attribute that
starts with `_`, no calling unsafe methods) with `StrictUndefined` (a misspelt variable
fails instead of printing nothing) and no loader (`include`, `import` and `extends` have
nothing to reach). `validate` is run on save: it names unknown variables and refuses the
constructs a message has no use for, then renders the sample data, so what saves renders.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError, nodes
from jinja2.meta import find_undeclared_variables
from jinja2.sandbox import SandboxedEnvironment

_env = SandboxedEnvironment(
    undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False
)
_FORBIDDEN = {
    nodes.Include: "{% include %}",
    nodes.Import: "{% import %}",
    nodes.FromImport: "{% from ... import %}",
    nodes.Extends: "{% extends %}",
    nodes.Macro: "{% macro %}",
    nodes.CallBlock: "{% call %}",
}


class TemplateInvalid(ValueError):
    """A template that must not be saved; `problems` are sentences for the editor."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def validate(text: str, *, allowed: set[str], sample: dict[str, Any], field: str) -> list[str]:
    """Problems with one template text (empty list: fine)."""
    try:
        tree = _env.parse(text)
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        where = f" on line {line}" if line else ""
        return [f"The {field} has a syntax error{where}: {exc.message or exc}."]
    problems = []
    for node_type, label in _FORBIDDEN.items():
        if any(True for _ in tree.find_all(node_type)):
            problems.append(f"The {field} uses {label}, which message templates may not use.")
    try:
        unknown = sorted(find_undeclared_variables(tree) - allowed)
    except TemplateError as exc:  # an unknown filter or test
        return [f"The {field} cannot be used: {exc.message or exc}"]
    if unknown:
        what = "an unknown variable" if len(unknown) == 1 else "unknown variables"
        problems.append(
            f"The {field} uses {what}: {', '.join(unknown)}. "
            "Use one of the variables listed beside the editor."
        )
    if not problems:
        try:
            _env.from_string(text).render(sample)
        except TemplateError as exc:  # SecurityError, UndefinedError, a bad filter...
            problems.append(f"The {field} cannot be rendered: {exc}.")
        except Exception as exc:  # a filter given the wrong type raises plain errors
            problems.append(f"The {field} cannot be rendered: {exc}.")
    return problems


def check(*, subject: str, body: str, allowed: set[str], sample: dict[str, Any]) -> None:
    problems = validate(subject, allowed=allowed, sample=sample, field="subject") + validate(
        body, allowed=allowed, sample=sample, field="message"
    )
    if not body.strip():
        problems.insert(0, "The message is empty.")
    if problems:
        raise TemplateInvalid(problems)


@lru_cache(maxsize=256)
def _compiled(text: str) -> Template:
    """Compiling is most of the cost of a message (~4 ms); the same few texts repeat, and a
    compiled template is immutable, so it is kept by its text (an edit is a new text)."""
    return _env.from_string(text)


def render(*, subject: str, body: str, variables: dict[str, Any]) -> Rendered:
    """Render a saved (validated) template; raises jinja2's errors if the data lacks one."""
    return Rendered(
        subject=" ".join(_compiled(subject).render(variables).split()),
        body=_compiled(body).render(variables).strip(),
    )
