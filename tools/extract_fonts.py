"""Extract the bundled faces from Debian's font packages into fonts/: subsets, catalog and licences."""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import re
import shutil
import sys
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import product
from pathlib import Path

import uharfbuzz as hb
from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
WENKAI_DIR = Path("/usr/share/fonts/truetype/lxgw-wenkai")
DOC_DIR = Path("/usr/share/doc")

SC_INDEX = 2  # JP 0, KR 1, SC 2, TC 3, HK 4 in Debian's Noto CJK collections

# OpenType features whose glyphs the subsets keep: what the engine asks for, and HarfBuzz's defaults
# that the SC face has (ccmp makes “——” one dash; it and calt add about 560 glyphs). fwid/hwid/pwid add
# about 100 glyphs (full-, half- and proportional-width forms of digits, Latin and kana). `locl` is kept
# only for the default and Simplified Chinese language systems (KEEP_LANGSYS): the JAN/KOR/ZHT/ZHH ones
# would pull in the JP/KR/TC/HK variants, some 18,000 glyphs; ZHS gives “——” its 2-em form.
LAYOUT_FEATURES = ("halt", "vhal", "vert", "vrt2", "palt", "vpal", "kern", "vkrn", "fwid", "hwid", "pwid",
                   "ccmp", "liga", "calt", "mark", "locl")
KEEP_LANGSYS = frozenset({"ZHS "})  # besides each script's default language system

CATALOG_HEADER = "# paperpress font catalog: role ids used by layouts → face files. Written by tools/extract_fonts.py."

# Shaping probe: text of the sample issue's kind, in both directions, with the features the engine uses.
PROBE_TEXT = ("“一把手”话“秋冬防”：本报讯（记者　王小明）2024年11月15日，"
              "PM2.5浓度下降12%。《条例》——第3条……、；！？·「」【】〔〕")
PROBE_LATIN = "Noto CJK 2.001, 0123456789…"  # a Latin run, as the engine may shape it alone
PROBE_LANGUAGES = (None, "zh-Hans")  # None: HarfBuzz's default language
PROBES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ltr", ()), ("ltr", ("halt",)), ("ltr", ("palt",)), ("ltr", ("kern",)), ("ltr", ("vert",)),
    ("ttb", ()), ("ttb", ("vhal",)), ("ttb", ("vpal",)), ("ttb", ("vrt2",)), ("ttb", ("vkrn",)),
)


@dataclass(frozen=True)
class Face:
    """One catalog entry and where it comes from."""

    id: str
    family: str
    style: str
    role: str
    note: str  # comment after the role in the catalog
    file: str
    format: str  # "cff" or "truetype"
    package: str  # Debian package
    source: Path
    index: int  # face index in the source file
    license: str

    @property
    def subsetted(self) -> bool:
        return self.format == "cff"


def _noto(face_id: str, family: str, style: str, role: str, note: str, stem: str, collection: str) -> Face:
    return Face(face_id, family, style, role, note, f"{stem}.otf", "cff", "fonts-noto-cjk",
                NOTO_DIR / collection, SC_INDEX, "LICENSE-OFL-NotoCJK.txt")


FACES: tuple[Face, ...] = (
    _noto("serif-regular", "Noto Serif CJK SC", "Regular", "宋", "body",
          "NotoSerifCJKsc-Regular", "NotoSerifCJK-Regular.ttc"),
    _noto("serif-bold", "Noto Serif CJK SC", "Bold", "标宋", "headlines",
          "NotoSerifCJKsc-Bold", "NotoSerifCJK-Bold.ttc"),
    _noto("sans-regular", "Noto Sans CJK SC", "Regular", "黑", "folio information",
          "NotoSansCJKsc-Regular", "NotoSansCJK-Regular.ttc"),
    _noto("sans-bold", "Noto Sans CJK SC", "Bold", "黑", "headlines and run-ins",
          "NotoSansCJKsc-Bold", "NotoSansCJK-Bold.ttc"),
    # Copied unmodified: Debian records the Reserved Font Names "霞鹜" and "LXGW" for WenKai, so a
    # subset (a Modified Version under the OFL) could not keep the name the catalog gives it.
    Face("kai-regular", "LXGW WenKai", "Regular", "楷", "editor's notes and bylines",
         "LXGWWenKai-Regular.ttf", "truetype", "fonts-lxgw-wenkai",
         WENKAI_DIR / "LXGWWenKai-Regular.ttf", 0, "LICENSE-OFL-LXGWWenKai.txt"),
)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def extract_cjk(face: Face, out_dir: Path) -> tuple[str, float]:
    """Subset the SC face of a Noto CJK collection to its own repertoire; returns (file, seconds)."""
    start = time.perf_counter()
    # recalcTimestamp=False keeps head.modified as the source has it: the output is reproducible.
    font = TTFont(face.source, fontNumber=face.index, recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = list(LAYOUT_FEATURES)
    options.hinting = False
    options.retain_gids = True  # GID == CID: the CID-keyed charset stays Identity (≈3% larger than compacted)
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    keep_language_systems(font, KEEP_LANGSYS)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=repertoire(font))
    subsetter.subset(font)
    rename_cff(font)
    font.save(out_dir / face.file)
    return face.file, time.perf_counter() - start


def keep_language_systems(font: TTFont, keep: frozenset[str]) -> None:
    """Drop the GSUB/GPOS language systems not in keep; the subsetter then drops what only they reach."""
    for tag in ("GSUB", "GPOS"):
        if tag not in font:
            continue
        for record in font[tag].table.ScriptList.ScriptRecord:
            script = record.Script
            script.LangSysRecord = [r for r in script.LangSysRecord if r.LangSysTag in keep]
            script.LangSysCount = len(script.LangSysRecord)


def repertoire(font: TTFont) -> set[int]:
    """Every code point of the face's Unicode cmaps, variation selectors of its format 14 subtable included."""
    code_points: set[int] = set()
    for table in font["cmap"].tables:
        if table.isUnicode():
            code_points.update(table.uvsDict if table.format == 14 else table.cmap)
    return code_points


def variation_sequences(path: Path, index: int) -> set[tuple[int, int, str | None]]:
    """(selector, base, glyph or None for the default glyph) of a face's format 14 cmap."""
    font = TTFont(path, fontNumber=index, lazy=True)
    return {(selector, base, glyph) for table in font["cmap"].tables if table.format == 14
            for selector, pairs in table.uvsDict.items() for base, glyph in pairs}


def rename_cff(font: TTFont) -> None:
    """Give the CFF (and its FDArray) the face's PostScript name; the collection shares the JP one."""
    ps_name = font["name"].getDebugName(6)
    cff = font["CFF "].cff
    old = cff.fontNames[0]
    if not ps_name or ps_name == old:
        return
    cff.fontNames[0] = ps_name
    top = cff.topDictIndex[0]
    for fd in getattr(top, "FDArray", []):
        name = getattr(fd, "FontName", None)
        if name and name.startswith(old):
            fd.FontName = ps_name + name[len(old):]


def copy_truetype(face: Face, out_dir: Path) -> tuple[str, float]:
    start = time.perf_counter()
    shutil.copyfile(face.source, out_dir / face.file)
    return face.file, time.perf_counter() - start


def debian_version(package: str) -> str:
    with gzip.open(DOC_DIR / package / "changelog.Debian.gz", "rt", encoding="utf-8") as fh:
        first = fh.readline()
    match = re.match(r"\S+ \(([^)]+)\)", first)
    return match.group(1) if match else "unknown"


def dep5_paragraphs(package: str) -> list[dict[str, str]]:
    """The paragraphs of a machine-readable debian/copyright, continuation lines unfolded."""
    text = (DOC_DIR / package / "copyright").read_text(encoding="utf-8")
    paragraphs: list[dict[str, str]] = []
    for block in re.split(r"\n\s*\n", text):
        fields: dict[str, list[str]] = {}
        key = ""
        for line in block.splitlines():
            if line.startswith((" ", "\t")) and key:
                body = line[1:]
                fields[key].append("" if body.strip() == "." else body)
            elif ":" in line:
                key, _, value = line.partition(":")
                fields[key] = [value.strip()] if value.strip() else []
        if fields:
            paragraphs.append({k: "\n".join(v) for k, v in fields.items()})
    return paragraphs


def ofl_text(package: str) -> tuple[str, dict[str, str]]:
    """(full OFL text, the `Files: *` paragraph) from a package's debian/copyright."""
    paragraphs = dep5_paragraphs(package)
    files = next(p for p in paragraphs if p.get("Files") == "*")
    name = files["License"].splitlines()[0]
    licence = next(p for p in paragraphs if "Files" not in p and p.get("License", "").startswith(name + "\n"))
    body = licence["License"].split("\n", 1)[1].strip("\n")
    if "SIL OPEN FONT LICENSE Version 1.1" not in body:
        raise SystemExit(f"{package}: no SIL OFL 1.1 text in debian/copyright")
    return body + "\n", files


def notices(face: Face) -> list[str]:
    """Copyright (name ID 0) and trademark (name ID 7) notices embedded in a source face."""
    font = TTFont(face.source, fontNumber=face.index, lazy=True)
    lines = []
    for name_id in (0, 7):
        value = font["name"].getDebugName(name_id)
        if value:
            lines.extend(line.strip() for line in value.splitlines() if line.strip())
    return lines


def write_licences(out_dir: Path) -> None:
    by_licence: dict[str, list[Face]] = {}
    for face in FACES:
        by_licence.setdefault(face.license, []).append(face)
    for licence, faces in by_licence.items():
        package = faces[0].package
        body, files = ofl_text(package)
        families = list(dict.fromkeys(f.family for f in faces))
        intro = (f"Licence of the {' and '.join(families)} font files in this directory, made by "
                 f"tools/extract_fonts.py from Debian's {package} {debian_version(package)}. ")
        if any(f.subsetted for f in faces):
            intro += (f"They are Modified Versions under the licence below: the Simplified Chinese face (index "
                      f"{SC_INDEX}) of each collection, subset to that face's character repertoire and the glyphs "
                      f"its {', '.join(LAYOUT_FEATURES)} features reach in the default and Simplified Chinese "
                      "language systems (the others removed), without hinting, with the CFF FontName set to the "
                      "face's PostScript name.")
        else:
            intro += "They are unmodified copies of the package's files."
        lines = [*textwrap.wrap(intro, 96), "", "Notices embedded in the fonts (name IDs 0 and 7):"]
        for family in families:
            face = next(f for f in faces if f.family == family)
            lines += [f"  {family}:", *(f"    {line}" for line in notices(face))]
        lines += ["", f"Debian's copyright record ({DOC_DIR / package / 'copyright'}):",
                  *(f"  Copyright: {line}" for line in files["Copyright"].splitlines() if line.strip()),
                  *(f"  {line}" for line in files.get("Comment", "").splitlines()),
                  "", "This Font Software is licensed under the SIL Open Font License, Version 1.1.",
                  "This license is copied below, and is also available with a FAQ at:",
                  "https://openfontlicense.org", "", ""]
        (out_dir / licence).write_text("\n".join(lines) + body, encoding="utf-8")


def write_catalog(out_dir: Path) -> None:
    lines = [CATALOG_HEADER, "faces:"]
    for face in FACES:
        source = f"{face.package} {face.source.name}" + (f" face {face.index}" if face.subsetted else "")
        lines += [
            f"  {face.id}:",
            f"    family: {face.family}",
            f"    style: {face.style}",
            f"    role: {face.role}   # {face.note}",
            f"    file: {face.file}",
            "    index: 0",
            f"    format: {face.format}        # cff or truetype",
            f"    sha256: {sha256(out_dir / face.file)}",
            f"    license: {face.license}",
            f"    source: {source}",
        ]
    (out_dir / "fonts.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def shape(face: hb.Face, text: str, direction: str, features: tuple[str, ...],
          language: str | None = None) -> list[tuple[int, ...]]:
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    buf.direction = direction
    if language:
        buf.language = language
    hb.shape(hb.Font(face), buf, {f: True for f in features})
    return [(i.codepoint, i.cluster, p.x_advance, p.y_advance, p.x_offset, p.y_offset)
            for i, p in zip(buf.glyph_infos, buf.glyph_positions, strict=True)]


def check(face: Face, out_dir: Path) -> list[str]:
    """Problems with an extracted face: GID == CID, halt and vert, same shaping as the source face."""
    path = out_dir / face.file
    if not face.subsetted:
        return [] if sha256(path) == sha256(face.source) else ["differs from its source"]
    problems: list[str] = []
    out = hb.Face(hb.Blob.from_file_path(str(path)), 0)
    src = hb.Face(hb.Blob.from_file_path(str(face.source)), face.index)
    order = TTFont(path, lazy=True).getGlyphOrder()  # names come from the CFF charset: cid<CID>
    if any(name != ".notdef" and int(name[3:]) != gid for gid, name in enumerate(order)):
        problems.append("GID != CID")
    missing = set(src.unicodes) - set(out.unicodes)
    if missing:
        problems.append(f"{len(missing)} characters of the source cmap missing")
    if variation_sequences(path, 0) != variation_sequences(face.source, face.index):
        problems.append("variation sequences differ from the source")
    halted = shape(out, "，“", "ltr", ("halt",))
    if [g[2] for g in halted] != [500, 500] or halted[1][4] != -500:
        problems.append(f"halt: {halted}")
    if shape(out, "（", "ltr", ("vert",))[0][0] == shape(out, "（", "ltr", ())[0][0]:
        problems.append("vert: （ keeps its glyph")
    for language, text, (direction, features) in product(PROBE_LANGUAGES, (PROBE_TEXT, PROBE_LATIN), PROBES):
        args = (text, direction, features, language)
        if shape(out, *args) != shape(src, *args):
            problems.append(f"shapes differently from the source: {text[:6]}… {direction} {features} {language}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "fonts", help="output directory (default: fonts/)")
    parser.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1), help="parallel subsetting jobs")
    args = parser.parse_args(argv)
    out_dir: Path = args.out
    out_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        jobs = [pool.submit(extract_cjk if f.subsetted else copy_truetype, f, out_dir) for f in FACES]
        for job in jobs:
            name, seconds = job.result()
            print(f"{name}: {(out_dir / name).stat().st_size:,} bytes, {seconds:.1f} s", flush=True)
    write_licences(out_dir)
    write_catalog(out_dir)
    failed = False
    for face in FACES:
        problems = check(face, out_dir)
        failed |= bool(problems)
        print(f"check {face.id}: {'; '.join(problems) or 'ok'}")
    total = sum((out_dir / f.file).stat().st_size for f in FACES)
    print(f"total {total:,} bytes in {time.perf_counter() - start:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
