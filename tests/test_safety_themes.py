"""A hostile theme reads nothing private, runs nothing, and fails with a clear template error."""

from __future__ import annotations

from pathlib import Path

import pytest

from brandgen.errors import BuildError
from tests.conftest import SiteMaker, run_build

SECRET = "Negotiate a salary of 190k at Initech"
PRIVATE = {"content/private/goals.yaml": f"- id: g1\n  title: {SECRET}\n",
           "content/pages/about.md": "---\ntitle: About\n---\nHello.\n"}

ESCAPES = [
    '{{ site.config.root.joinpath("content/private/goals.yaml").read_text() }}',
    '{{ site.config.root }}',
    '{{ cycler.__init__.__globals__.os.system("touch PWNED") }}',
    '{{ lipsum.__globals__["os"].system("touch PWNED") }}',
    '{{ joiner.__init__.__globals__.os.popen("touch PWNED").read() }}',
    '{{ namespace.__init__.__globals__.os.system("touch PWNED") }}',
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ self._TemplateReference__context }}",
    "{{ url.__self__ }}{{ asset.__globals__ }}",
    '{{ "{0.__class__.__init__.__globals__}".format(site) }}',
    '{{ site.content.profile.__class__.__module__ }}',
    '{{ site.posts.__class__.__base__.__subclasses__() }}',
    '{{ (site.config | attr("root")).read_text() }}',
    '{{ site.content.profile.__setattr__("name", "x") }}',
    "{{ range(10**12) | list | length }}",
    '{{ "x" * 10**10 }}',
    "{{ 7 ** 100000000 }}",
    '{% include "../../content/private/goals.yaml" %}',
    '{% include "/etc/passwd" %}',
    '{% include "evil.html" %}',  # a symlink out of the theme
]


@pytest.mark.parametrize("body", ESCAPES)
def test_hostile_template_reads_and_runs_nothing(make_site: SiteMaker, body: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_site({**PRIVATE, "themes/default/templates/page.html":
                      '{% extends "default/page.html" %}{% block main %}' + body +
                      "{% endblock %}"})
    evil = root / "themes/default/templates/evil.html"
    evil.symlink_to(root / "content/private/goals.yaml")
    monkeypatch.chdir(root)
    with pytest.raises(BuildError) as info:
        run_build(root)
    messages = [e.format() for e in info.value.errors]
    assert len(messages) == 1, messages
    assert messages[0].startswith("themes/default/templates/page.html:1:1: error: "
                                  "template ") or "template not found" in messages[0], messages
    assert SECRET not in messages[0]
    assert not (root / "PWNED").exists()
    assert not (root / "site").exists()


def test_templates_get_only_published_posts(make_site: SiteMaker) -> None:
    root = make_site({
        "content/posts/2026-01-01-live.md": "---\ntitle: Live post\n---\nx\n",
        "content/posts/2026-01-02-hidden.md": "---\ntitle: Hidden draft\ndraft: true\n---\ny\n",
        "content/pages/about.md": "---\ntitle: About\n---\nHello.\n",
        "themes/default/templates/page.html":
            '{% extends "default/page.html" %}{% block main %}'
            "{% for p in site.content.posts %}[{{ p.title }}]{% endfor %}"
            "{{ site.config.language }}{% endblock %}"})
    run_build(root)
    text = (root / "site/public/about/index.html").read_text()
    assert "[Live post]" in text and "Hidden draft" not in text


def test_a_path_is_never_reachable(tmp_path: Path) -> None:
    """Even a Path handed over by mistake exposes no attribute to a template."""
    from brandgen.themes import ThemeSandbox

    env = ThemeSandbox(undefined=__import__("jinja2").StrictUndefined)
    template = env.from_string("{{ p.read_text() }}")
    (tmp_path / "f").write_text("secret")
    with pytest.raises(Exception) as info:
        template.render(p=tmp_path / "f")
    assert "unsafe" in str(info.value)


def test_the_sandbox_decides_each_callable_once_and_rightly() -> None:
    """The sandbox remembers which functions are plain: a function marked unsafe is refused,
    one asking for the context gets it, whichever was called first and however often."""
    import jinja2
    from jinja2.sandbox import unsafe

    from brandgen.themes import ThemeSandbox

    class Record:
        def shout(self, word: str) -> str:
            return word.upper()

        @unsafe
        def wipe(self) -> str:
            return "wiped"

    @jinja2.pass_context
    def who(context: jinja2.runtime.Context) -> str:
        return str(context["name"])

    env = ThemeSandbox(undefined=jinja2.StrictUndefined)
    template = env.from_string(
        "{% macro twice(x) %}{{ x }}{{ caller() }}{% endmacro %}"
        "{% for _ in range(3) %}{{ r.shout('a') }}{{ who() }}{{ '-'.join(['x', 'y']) }}"
        "{% call twice('m') %}c{% endcall %};{% endfor %}")
    assert template.render(r=Record(), who=who, name="ada") == "Aadax-ymc;" * 3
    for _ in range(2):  # refused every time, also once the plain method was remembered
        with pytest.raises(jinja2.exceptions.SecurityError):
            env.from_string("{{ r.shout('a') }}{{ r.wipe() }}").render(r=Record())
    with pytest.raises(jinja2.exceptions.SecurityError):  # str.format stays sandboxed
        env.from_string("{{ s.format(r) }}{{ s.format(r) }}").render(
            s="{0.__class__.__init__.__globals__}", r=Record())


def test_the_sandbox_renders_what_jinjas_own_sandbox_renders() -> None:
    """A macro escapes by the autoescape setting where it is called (Jinja passes it the
    evaluation context); dict keys read with a dot; missing attributes are undefined."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    from brandgen.themes import ThemeSandbox

    source = ("{% macro m() %}<b>{% endmacro %}{% set ns = namespace(x='') %}"
              "{% autoescape false %}{{ m() + '<i>' }}{% set ns.x = m() %}{% endautoescape %}"
              "|{{ ns.x }}|{{ m() }}|{{ d.key }}|{{ d.nope is defined }}|{{ 'a-b'.split('-') }}")
    expected = SandboxedEnvironment(autoescape=True).from_string(source).render(d={"key": 1})
    assert expected == "<b><i>|&lt;b&gt;|<b>|1|False|[&#39;a&#39;, &#39;b&#39;]"
    for _ in range(2):  # the second time from what the sandbox remembered
        assert ThemeSandbox(autoescape=True).from_string(source).render(d={"key": 1}) \
            == expected
    env = ThemeSandbox(autoescape=True, undefined=jinja2.StrictUndefined)
    template = env.from_string(source)
    assert [template.render(d={"key": 1}) for _ in range(2)] == [expected, expected]


def test_a_dicts_keys_and_methods_read_with_a_dot_as_jinja_reads_them() -> None:
    """On a plain dict a dot reads a key unless the name is one of dict's attributes (then
    the method, or an unsafe one refused), as in Jinja's own sandbox."""
    from jinja2.sandbox import SandboxedEnvironment

    from brandgen.themes import ThemeSandbox

    source = ("{{ d.title }}|{{ d.items is callable }}|{{ d.get('title') }}|"
              "{{ d.nope is defined }}|{{ d.__class__ is defined }}|{{ d.keys()|list }}|"
              "{{ e.title is defined }}")
    values = {"d": {"title": "<T>", "items": "key, not method", "get": 1}, "e": {}}
    expected = SandboxedEnvironment(autoescape=True).from_string(source).render(values)
    assert expected == ("&lt;T&gt;|True|&lt;T&gt;|False|False|"
                        "[&#39;title&#39;, &#39;items&#39;, &#39;get&#39;]|False")
    template = ThemeSandbox(autoescape=True).from_string(source)
    assert [template.render(values) for _ in range(2)] == [expected, expected]


def test_a_theme_cv_typ_cannot_read_project_files(make_site: SiteMaker,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Typst reads files under its root; the root is an empty folder, not the project."""
    root = make_site({**PRIVATE, "themes/default/templates/cv.typ":
                      '#read("content/private/goals.yaml")\n'})
    monkeypatch.chdir(root)
    with pytest.raises(BuildError) as info:
        run_build(root)
    text = "\n".join(e.format() for e in info.value.errors)
    assert "file not found" in text and SECRET not in text
    assert not (root / "site").exists()


def test_printed_values_are_escaped_as_jinja_escapes_them() -> None:
    """Every kind of printed value comes out as Jinja's own escaping gives it: plain and
    subclassed strings, Markup (not escaped twice), objects with __html__, numbers, None."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment
    from markupsafe import Markup

    from brandgen.themes import ThemeSandbox

    class Name(str):
        pass

    class Html:
        def __html__(self) -> str:
            return "<em>x</em>"

        def __str__(self) -> str:
            return "<raw>"

    values = ["<a href='x'>&\"</a>", Name("<b>"), Markup("<i>&amp;</i>"), Html(), 3.5, None,
              ["<li>"], "plain ascii", "naïve — <ü>"]
    source = "{% macro m() %}<p>{% endmacro %}{% for v in values %}{{ v }}|{% endfor %}{{ m() }}"
    expected = SandboxedEnvironment(autoescape=True).from_string(source).render(values=values)
    assert "&lt;a href=&#39;x&#39;&gt;&amp;&#34;&lt;/a&gt;|&lt;b&gt;|<i>&amp;</i>|<em>x</em>|" \
        in expected
    env = ThemeSandbox(autoescape=True, undefined=jinja2.StrictUndefined)
    assert env.from_string(source).render(values=values) == expected
