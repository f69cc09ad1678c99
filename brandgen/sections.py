"""What the public site leaves out because it is empty, said as warnings by `brandgen check`.

The route table and the templates drop an empty list page with its nav item and home
section; this module only tells the user, so a missing Projects link is never a mystery.
"""

from __future__ import annotations

from collections.abc import Sequence

from brandgen.errors import Problems
from brandgen.model import Content, Post

__all__ = ["empty_section_warnings"]


def empty_section_warnings(content: Content, published: Sequence[Post],
                           problems: Problems) -> None:
    """One warning per empty section of the public site, naming the file that fills it."""
    if not content.projects:
        problems.warn("no projects: the Projects page and its nav item are left out",
                      "content/projects.yaml",
                      hint="add a project (title, summary) to content/projects.yaml")
    elif not any(p.featured for p in content.projects):
        problems.warn("no featured projects: the home page has no Selected work section",
                      "content/projects.yaml",
                      hint="set `featured: true` on up to 4 projects")
    if not published:
        unpublished = len(content.posts)
        hint = "write one with `brandgen new post TITLE`"
        if unpublished:
            hint = (f"{unpublished} post{'s are' if unpublished > 1 else ' is'} a draft or "
                    "dated in the future; `brandgen serve --drafts` shows them")
        problems.warn("no published posts: the Writing page, its nav item, the Topics page "
                      "and the home page's Writing section are left out", "content/posts",
                      hint=hint)
    elif not any(p.tags for p in published):
        problems.warn("no post has tags: the Topics page is left out", "content/posts",
                      hint="give posts `tags: [...]` in their front matter")
    if not content.roles:
        problems.warn("no roles: the CV has no Experience section", "content/experience.yaml",
                      hint="list your roles (organization, role, start) in "
                           "content/experience.yaml")
    if not content.skills:
        problems.warn("no skills: the CV has no Skills section", "content/skills.yaml",
                      hint="list your skills (name, level 1-5) in content/skills.yaml")
