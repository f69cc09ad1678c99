"""Theme lookup and the Jinja environment (autoescape, StrictUndefined, override + extend)."""

from __future__ import annotations

import datetime as dt
import json
import os
import traceback
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, cast

import jinja2
import markupsafe
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from brandgen.bundled import BUNDLED_THEMES as BUNDLED
from brandgen.errors import BuildError, Problems, SourceError
from brandgen.fields import When
from brandgen.model import LEVEL_WORDS
from brandgen.urls import display_url


@dataclass(frozen=True)
class Theme:
    name: str
    template_dirs: tuple[Path, ...]  # site override first
    static_dirs: tuple[Path, ...]  # theme first, so the site's copy wins when written later


def find_theme(root: Path, name: str) -> Theme | None:
    """The theme `name`: a local `themes/<name>/` over the bundled theme of that name."""
    local, bundled = root / "themes" / name, BUNDLED / name
    # In brandgen's own checkout the project's themes/ is the bundled folder itself.
    dirs = list(dict.fromkeys(d.resolve() for d in (local, bundled) if d.is_dir()))
    if not dirs:
        return None
    chain = dirs if bundled.is_dir() else [*dirs, BUNDLED / "default"]
    return Theme(name,
                 tuple(d / "templates" for d in chain if (d / "templates").is_dir()),
                 tuple(d / "static" for d in reversed(chain) if (d / "static").is_dir()))


def require_theme(root: Path, name: str, problems: Problems) -> Theme:
    """find_theme, or BuildError with every problem so far when there is no such theme."""
    theme = find_theme(root, name)
    if theme is None:
        problems.error(f"unknown theme '{name}'", "brandgen.yaml", 1, 1,
                       "use `theme: default` or create themes/<name>/templates/")
        raise BuildError(problems.errors)
    return theme


def _date_long(value: dt.date | When | None) -> str:
    if value is None:
        return "Present"
    if isinstance(value, When):
        return _month(value)
    return f"{value.day} {value:%B %Y}"


_SHORT_DATES: dict[dt.date, str] = {}  # strftime per post in every list: 5% of rendering


def _date_short(value: dt.date) -> str:
    try:
        return _SHORT_DATES[value]
    except KeyError:
        text = _SHORT_DATES[value] = f"{value.day} {value:%b %Y}"
        return text
    except TypeError:  # a theme's own unhashable value
        return f"{value.day} {value:%b %Y}"


def _month(value: When | None) -> str:
    if value is None:
        return "Present"
    if value.precision == "year":
        return str(value.date.year)
    return f"{value.date:%b %Y}"


def script_json(data: object) -> str:
    """JSON for inside <script>: '<', '>' and '&' escaped so '</script>' cannot end it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=None)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _jsonld(value: object) -> Markup:
    return Markup(script_json(value))


@jinja2.pass_context
def _markdown(context: jinja2.runtime.Context, text: str) -> Markup:
    """Markdown from a YAML field; raw HTML in it is escaped, like every YAML value.

    The fields the site knows of were rendered by the Markdown stage (links resolved);
    anything else a theme passes in is rendered here, its links left as written."""
    known: dict[str, str] = getattr(context.get("site"), "fields_html", {})
    if text in known:
        return Markup(known[text])
    from brandgen.markdown import render_doc  # the engine, for a field no stage rendered

    return Markup(render_doc(text, allow_html=False).unresolved_html())


_METHODS = (types.MethodType, types.BuiltinMethodType)
# Built-in functions and methods carry no attributes: never marked unsafe or context-passing.
_BUILTINS = frozenset({types.BuiltinFunctionType, types.MethodWrapperType})
_FUNCTIONS = frozenset({types.FunctionType, types.MethodType})
# What `getattr` finds on a plain dict (it has no attributes of its own): any other name
# read with a dot is a key, which Jinja looks up after getattr fails.
_DICT_ATTRIBUTES = frozenset(dir(dict))


def _plain_callable(func: Any) -> bool:
    """Neither marked unsafe (Jinja's `unsafe`, Django's `alters_data`) nor asking for the
    context, eval context or environment (`pass_context` and its kin): each marker is an
    attribute in the function's own __dict__, so an empty one answers at once."""
    marks = func.__dict__
    return not marks or not (marks.get("unsafe_callable") or marks.get("alters_data")
                             or "jinja_pass_arg" in marks)


# markupsafe's C escaping of a str, where it has one (3.x): Markup(...) around it is a
# Python __new__ per output; str.__new__ makes the same Markup in C.
_ESCAPE_STR: Callable[[str], str] | None = getattr(markupsafe, "_escape_inner", None)
_NEW_STR = str.__new__


def _escape(value: Any) -> Markup:
    """markupsafe.escape, the same Markup for every value, with less work for the two kinds
    templates print all the time: a plain str, and a Markup (returned as it is: its
    __html__ is itself)."""
    kind = type(value)
    if kind is str and _ESCAPE_STR is not None:
        return _NEW_STR(Markup, _ESCAPE_STR(value))
    if kind is Markup:
        return cast(Markup, value)
    return markupsafe.escape(value)


class _Template(jinja2.Template):
    """Jinja's template whose compiled code escapes each printed value with `_escape`: a
    template's functions share one globals dict, where `escape` is looked up per call."""

    @classmethod
    def from_code(cls, environment: jinja2.Environment, code: types.CodeType,
                  globals: Any, uptodate: Callable[[], bool] | None = None) -> jinja2.Template:
        template = super().from_code(environment, code, globals, uptodate)
        template.root_render_func.__globals__["escape"] = _escape
        return template


MAX_REPEAT = 1_000_000  # characters or items a template may build with `*`
MAX_EXPONENT = 1000


class ThemeSandbox(SandboxedEnvironment):
    """Jinja's sandbox, stricter: no paths, modules or classes are reachable from a value,
    and `*` / `**` cannot build values big enough to hang or exhaust the build."""

    intercepted_binops = frozenset(["*", "**"])
    template_class = _Template

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Safety depends only on the types and the name: decided once per combination,
        # which keeps the sandbox's cost per attribute to one dictionary lookup.
        self._verdicts: dict[tuple[type, str, type], bool] = {}
        # (type, name, value type) whose value is returned as it is: safe, and not a
        # method (a bound `str.format` is wrapped by Jinja, and a method's name is the
        # value's own, not the attribute's).
        self._plain: set[tuple[type, str, type]] = set()

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr, type(value))
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = not (isinstance(obj, (PurePath, types.ModuleType, type))
                           or isinstance(value, (PurePath, types.ModuleType, type))) \
                and bool(super().is_safe_attribute(obj, attr, value))
            self._verdicts[key] = verdict
        return verdict

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Jinja's sandboxed `obj.attribute` (SandboxedEnvironment.getattr, step for step,
        the attribute read once), with a value seen safe before returned at once: templates
        read ~100 attributes a page, this is the sandbox's hot path. A key of a plain dict
        (`page.title`: ~18 a page) is read without the AttributeError getattr would raise
        first (the exception costs three times the lookup)."""
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        try:
            value = getattr(obj, attribute)
        except AttributeError:
            try:
                return obj[attribute]
            except (TypeError, LookupError):
                return self.undefined(obj=obj, name=attribute)
        key = (type(obj), attribute, type(value))
        if key in self._plain:
            return value
        wrapped = self.wrap_str_format(value)  # a bound str.format runs sandboxed
        if wrapped is not None:
            return wrapped
        if not self.is_safe_attribute(obj, attribute, value):
            return self.unsafe_undefined(obj, attribute)
        if not isinstance(value, _METHODS):
            self._plain.add(key)
        return value

    def call(__self, __context: jinja2.runtime.Context, __obj: Any,
             *args: Any, **kwargs: Any) -> Any:
        """What Jinja's sandbox and context check of a callable, done with the least work:
        a template's macro gets the evaluation context (autoescape at the call site) as
        Jinja gives it; built-ins carry no markers; a Python function or method whose
        attributes are empty is neither marked unsafe nor context-passing."""
        kind = type(__obj)
        if kind is jinja2.runtime.Macro:  # Macro.__call__ is @pass_eval_context
            args = (__context.eval_ctx, *args)
        elif kind not in _BUILTINS and (kind not in _FUNCTIONS or not _plain_callable(
                __obj.__func__ if kind is types.MethodType else __obj)):
            return super().call(__context, __obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:  # as Jinja's context.call does
            return __self.undefined("value was undefined because a callable raised a"
                                    " StopIteration exception")

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any,
                   right: Any) -> Any:
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"exponent {right} is too large (at most {MAX_EXPONENT})")
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) \
                        and len(seq) * n > MAX_REPEAT:
                    raise SecurityError(f"repeating a value {n} times is too large")
        return super().call_binop(context, operator, left, right)


def _line_of(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


class ThemeLoader(jinja2.FileSystemLoader):
    """Templates from the theme's folders only: a symlink out of them is not followed."""

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str, Callable[[], bool]]:
        for folder in self.searchpath:  # a FIFO or device would block the read forever
            path = os.path.join(folder, *template.split("/"))
            if os.path.exists(path) and not os.path.isfile(path) and not os.path.isdir(path):
                raise jinja2.TemplateSyntaxError("not a regular file (a FIFO or device)", 1,
                                                 template, path)
        try:
            source, filename, uptodate = super().get_source(environment, template)
        except UnicodeDecodeError as e:
            path = next((os.path.join(d, *template.split("/")) for d in self.searchpath
                         if os.path.isfile(os.path.join(d, *template.split("/")))), template)
            raise jinja2.TemplateSyntaxError(f"not valid UTF-8 (byte 0x{e.object[e.start]:02x}"
                                             "); save the template as UTF-8",
                                             _line_of(e.object, e.start), template,
                                             path) from None
        real = os.path.realpath(filename)
        if not any(real.startswith(os.path.realpath(d) + os.sep) for d in self.searchpath):
            raise jinja2.TemplateNotFound(template, f"{template} links outside the theme")
        return source, filename, uptodate


def make_environment(theme: Theme) -> jinja2.Environment:
    """One sandboxed environment per build (or dev-server session), reused for every page."""
    site_loader = ThemeLoader([str(d) for d in theme.template_dirs])
    default = ThemeLoader(str(BUNDLED / "default" / "templates"))
    env = ThemeSandbox(
        loader=jinja2.ChoiceLoader([site_loader, jinja2.PrefixLoader({"default": default})]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one build sees one state of the files; no mtime check per page
    )
    env.filters.update(date_long=_date_long, date_short=_date_short, month=_month,
                       display_url=display_url, jsonld=_jsonld, markdown=_markdown,
                       level_word=lambda n: LEVEL_WORDS.get(int(n), ""))
    return env


def template_error(error: Exception, fallback: str, root: Path) -> SourceError:
    """A template problem as a positioned error: the template file and line."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return SourceError(f"template error: {error.message}",
                           _short(error.filename or error.name or fallback, root),
                           error.lineno or 0, 1, "fix the template syntax")
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if f.filename and f.filename.endswith((".html", ".xml", ".txt"))]
    if isinstance(error, jinja2.TemplateNotFound):
        # an {% include %} or {% extends %} names a missing template: point at that line
        where = (_short(frames[-1].filename, root), frames[-1].lineno or 0) if frames \
            else (fallback, 0)
        return SourceError(f"template not found: {error.name}", where[0], where[1], 1,
                           "add the template to your theme or fix the name")
    if frames:
        frame = frames[-1]
        return SourceError(f"template error: {error}", _short(frame.filename, root),
                           frame.lineno or 0, 1, "check the variable names used there")
    return SourceError(f"template error: {error}", fallback, 0, 0)


def _short(path: str, root: Path) -> str:
    """A template path relative to the project, or to the installed package for bundled ones."""
    p = Path(path)
    for base in (root, BUNDLED.parent):
        try:
            return p.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return p.as_posix()
