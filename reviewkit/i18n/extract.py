"""`reviewkit translations` (`make translations`): bring every catalogue in step with the English chapters.

Sphinx's gettext builder extracts each chapter's messages exactly as the build will look them up (paragraphs,
headings, captions, table cells, with their roles), reading the execution cache of the last `make book`; then
each catalogue is merged with Babel (reviewkit.i18n.catalogues.update): new paragraphs come in untranslated,
changed ones are marked fuzzy with the English they were translated from, removed ones become obsolete.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from reviewkit.i18n import catalogues, languages
from reviewkit.model import paths

TEMPLATES = Path("_build") / "gettext"


def extract(root: Path) -> Path:
    """Run Sphinx's gettext builder; returns the folder of templates (.pot)."""
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "REVIEWKIT_ROOT": str(root)}
    subprocess.run([str(bin_dir / "jupyter-book"), "config", "sphinx", str(root)], env=env, check=True,
                   capture_output=True, text=True)
    out = root / TEMPLATES
    cache = root / "_build" / ".staging" / "_build" / ".jupyter_cache"  # the last `make book`'s executions
    command = [str(bin_dir / "sphinx-build"), "-b", "gettext", "-q", str(root), str(out), "-d", str(out / ".doctrees"),
               "-D", "gettext_compact=0", "-D", "gettext_uuid=0", "-D", "reviewkit_pdf=0"]
    if cache.is_dir():
        command += ["-D", f"nb_execution_cache_path={cache}"]
    subprocess.run(command, env=env, check=True)
    return out


def _counts(path: Path, code: str) -> tuple[int, int, int]:
    catalog = catalogues.read(path, code)
    messages = [m for m in catalog if m.id]
    return (sum(1 for m in messages if not m.string), sum(1 for m in messages if m.fuzzy and m.string),
            len(catalog.obsolete))


def main(args) -> int:
    root = paths.root()
    codes = [languages.edition(args.language).code] if getattr(args, "language", None) else list(languages.TRANSLATIONS)
    try:
        templates = extract(root)
    except subprocess.CalledProcessError as error:
        print(f"make translations: Sphinx could not extract the chapters' messages (exit {error.returncode}); "
              "run `make book` to see the problem. No catalogue was changed.", file=sys.stderr)
        return 1
    for code in codes:
        written = catalogues.update(templates, code, root)
        for docname, path in written.items():
            untranslated, fuzzy, obsolete = _counts(path, code)
            if untranslated or fuzzy or obsolete:
                print(f"{paths.relative(path)}: {untranslated} untranslated, {fuzzy} out of date (fuzzy), "
                      f"{obsolete} obsolete")
        print(f"make translations: {len(written)} {languages.edition(code).name} catalogue(s) in step with the English")
    return 0
