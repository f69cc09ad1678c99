"""`brandgen import FILE`: start content/*.yaml from a JSON Resume file or a LinkedIn export.

Reads the file, maps it (jsonresume.py, linkedin.py), checks the result with the same loader
a build uses (in a scratch folder), and only then writes; an existing file is replaced only
with --force. Everything that could not be mapped is listed, never dropped silently.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from brandgen.errors import BuildError, Problems, SourceError
from brandgen.importer.draft import Draft

PLACEHOLDERS = {"name": "Your Name", "headline": "What you do, in a few words",
                "value_proposition": "One or two sentences: who you help and how."}
HEADER = ("# Started by `brandgen import {source}`. Check every entry: this file is yours "
          "now.\n")


@dataclass(frozen=True)
class ImportResult:
    written: tuple[str, ...]  # paths relative to the project
    notes: tuple[str, ...]


def read_draft(path: Path) -> Draft:
    """The mapped content of a .json (JSON Resume) or .zip (LinkedIn export) file."""
    shown = str(path)
    if path.suffix.lower() not in (".json", ".zip"):
        raise BuildError([SourceError("cannot tell what this file is", shown,
                                      hint="give a JSON Resume file (.json) or a LinkedIn "
                                           "data export (.zip)")])
    try:
        if path.suffix.lower() == ".zip":
            from brandgen.importer.linkedin import from_linkedin

            with zipfile.ZipFile(path) as archive:
                return from_linkedin(archive, path.name)
        from brandgen.importer.jsonresume import SECTIONS, from_json_resume

        data = json.loads(path.read_text("utf-8-sig"))
        if not isinstance(data, dict) or not SECTIONS & data.keys():
            raise BuildError([SourceError("not a JSON Resume document", shown, 1, 1,
                                          "expected an object with `basics`, `work`, "
                                          "`education`, `skills` ... "
                                          "(https://jsonresume.org/schema)")])
        return from_json_resume(data, path.name)
    except OSError as e:
        raise BuildError([SourceError(f"cannot read the file: {e.strerror or e}", shown,
                                      hint="check the path and its permissions")]) from e
    except zipfile.BadZipFile as e:
        raise BuildError([SourceError(f"not a zip archive: {e}", shown,
                                      hint="download the export again from LinkedIn "
                                           "(Settings → Data privacy → Get a copy of your "
                                           "data)")]) from e
    except json.JSONDecodeError as e:
        raise BuildError([SourceError(f"invalid JSON: {e.msg}", shown, e.lineno, e.colno,
                                      "fix the JSON (a JSON Resume file)")]) from e
    except UnicodeDecodeError as e:
        raise BuildError([SourceError("the file is not UTF-8 text", shown,
                                      hint="save it as UTF-8")]) from e


def _fill_required(draft: Draft) -> None:
    for key, text in PLACEHOLDERS.items():
        if not draft.profile.get(key):
            draft.profile[key] = text
            draft.note(f"profile: the source has no {key.replace('_', ' ')}; wrote a "
                       "placeholder in content/profile.yaml to replace")


def render_files(draft: Draft, root: Path) -> dict[str, str]:
    """Every file to write, as YAML text (brandgen.yaml only when the project has none)."""
    header = HEADER.format(source=draft.source.replace("\n", " "))
    texts = {rel: header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True,
                                          width=100, default_flow_style=False)
             for rel, data in draft.files().items()}
    if not (root / "brandgen.yaml").exists():
        base_url = draft.base_url or "https://example.com/"
        if not draft.base_url:
            draft.note("brandgen.yaml: base_url is https://example.com/ — set your site's "
                       "address")
        texts["brandgen.yaml"] = yaml.safe_dump({"base_url": base_url}, sort_keys=False)
    return texts


def validate(texts: dict[str, str], root: Path) -> None:
    """Load the files exactly as a build would, in a scratch copy; raise on any error."""
    from brandgen.config import load_config
    from brandgen.load import load_content

    with tempfile.TemporaryDirectory(prefix="brandgen-import-") as tmp:
        scratch = Path(tmp)
        config_text = texts.get("brandgen.yaml") or (root / "brandgen.yaml").read_text("utf-8")
        for rel, text in {**texts, "brandgen.yaml": config_text}.items():
            (scratch / rel).parent.mkdir(parents=True, exist_ok=True)
            (scratch / rel).write_text(text, encoding="utf-8")
        problems = Problems()
        config = load_config(scratch, problems)
        if not problems.errors:
            load_content(config, problems)
    if problems.errors:
        raise BuildError([SourceError(f"the imported data does not validate: {e.message}",
                                      e.path, e.line, e.column, e.hint)
                          for e in problems.errors])


def _write(path: Path, text: str) -> None:
    """Write beside the destination, then rename: never a half-written content file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run_import(file: Path, root: Path, force: bool = False) -> ImportResult:
    """Map, check, then write; nothing is written when anything is wrong."""
    draft = read_draft(file)
    _fill_required(draft)
    texts = render_files(draft, root)
    existing = sorted(rel for rel in texts if (root / rel).exists())
    if existing and not force:
        raise BuildError([SourceError("already exists; not replaced", rel,
                                      hint="pass --force to replace it with the import")
                          for rel in existing])
    validate(texts, root)
    for rel, text in sorted(texts.items()):
        _write(root / rel, text)
    return ImportResult(tuple(sorted(texts)), tuple(draft.notes))


def import_command(file: Path, root: Path, force: bool) -> int:
    """The CLI's `brandgen import`: run it and print what was written and what was not."""
    result = run_import(file, root, force)
    print(f"Imported {file.name}: wrote " + ", ".join(result.written))
    if result.notes:
        print(f"Not mapped ({len(result.notes)}) — edit the files by hand for these:")
        for note in result.notes:
            print(f"  - {note}")
    print("Next: brandgen build (or brandgen serve) to see the CV")
    return 0
