"""Where layouts, fonts and output profiles come from: a newsroom's project folder first, then the bundled ones.

The bundled layouts, font catalog (with its OFL licences) and ICC profile ship inside the distribution as the
data packages paperpress_layouts, paperpress_fonts and paperpress_profiles and are found with
importlib.resources — never relative to the current directory.

A project folder (a newsroom's own) has a layouts/ folder, a fonts/fonts.yaml catalog, or both. It is, in this
order: --root DIR, the PAPERPRESS_ROOT environment variable, or the nearest folder above the issue file with
layouts/ or fonts/fonts.yaml. Its layouts and faces come before the bundled ones of the same name; the
bundled ones stay available by name.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

ENV_ROOT = "PAPERPRESS_ROOT"


def bundled(package: str) -> Path:
    """The folder of a bundled data package (installed wheels and editable installs are plain folders)."""
    files = resources.files(package)
    if not isinstance(files, Path):  # e.g. a zip import: not supported for fonts read by HarfBuzz
        raise RuntimeError(f"paperpress: the bundled resources of {package} are not in a folder ({files})")
    return files


def bundled_layouts() -> Path:
    return bundled("paperpress_layouts")


def bundled_catalog() -> Path:
    return bundled("paperpress_fonts") / "fonts.yaml"


def bundled_profiles() -> Path:
    return bundled("paperpress_profiles")


def is_project(d: Path) -> bool:
    try:
        return (d / "layouts").is_dir() or (d / "fonts" / "fonts.yaml").is_file()
    except OSError:  # a name too long: the manifest read reports it, located
        return False


def find_root(start: Path | None, root: Path | None = None) -> tuple[Path | None, str]:
    """The project folder and how it was found: 'option', 'environment', 'issue' — or (None, 'bundled')."""
    if root is not None:
        return root.resolve(), "--root"
    env = os.environ.get(ENV_ROOT)
    if env:
        return Path(env).resolve(), ENV_ROOT
    if start is not None:
        for d in [start.resolve(), *start.resolve().parents]:
            if is_project(d):
                return d, "above the issue"
    return None, "bundled"


def profile_candidates(prof: str, layout_path: Path) -> list[Path]:
    """Where a layout's output-intent profile: may be: absolute as given; else the layout's project, then bundled."""
    p = Path(prof)
    if p.is_absolute():
        return [p]
    found = [layout_path.parent.parent / p]
    if p.parts[:1] == ("profiles",):
        found.append(bundled_profiles().joinpath(*p.parts[1:]))
    return found
