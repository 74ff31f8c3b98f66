"""Front-page furniture built with reportlab.graphics and converted to page items: the periodical's
EAN-13 barcode with its 2-digit add-on, QR codes, charts."""

from __future__ import annotations

from reportlab.graphics import shapes
from reportlab.graphics.barcode.eanbc import Ean13BarcodeWidget
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors as rl_colors
from reportlab.lib.units import mm as RL_MM

# EAN-13 (ISO/IEC 15420): the nominal module is 0.33 mm; the standard allows 80 % … 200 % of it
NOMINAL_MODULE_MM = 0.33
MIN_MAGNIFICATION = 0.8
QUIET_LEFT, QUIET_RIGHT = 11, 7  # modules of quiet zone either side of the main symbol
ADDON_GAP = 9  # modules between the main symbol and its add-on (7…12 allowed)
ADDON_QUIET_RIGHT = 5

# EAN-2 add-on digit patterns: L (odd parity) and G (even parity); parity by value mod 4
_L = ["0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011", "0110111", "0001011"]
_G = ["0100111", "0110011", "0011011", "0100001", "0011101", "0111001", "0000101", "0010001", "0001001", "0010111"]
_PARITY2 = ["LL", "LG", "GL", "GG"]


class FurnitureError(ValueError):
    pass


def ean13_check_digit(first12: str) -> int:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return (10 - total % 10) % 10


def verify_ean13(value: str) -> str:
    """The 13 digits, their check digit verified (12 digits get theirs appended)."""
    if not value.isdigit() or len(value) not in (12, 13):
        raise FurnitureError(f"EAN-13 needs 12 or 13 digits, not {value!r}")
    if len(value) == 12:
        return value + str(ean13_check_digit(value))
    if int(value[12]) != ean13_check_digit(value[:12]):
        raise FurnitureError(f"EAN-13 {value}: check digit {value[12]} is wrong "
                             f"(should be {ean13_check_digit(value[:12])})")
    return value


def ean2_modules(addon: str) -> str:
    """The add-on's bars as modules (1 bar, 0 space): start 1011, digit, separator 01, digit."""
    if not addon.isdigit() or len(addon) != 2:
        raise FurnitureError(f"the EAN add-on needs 2 digits, not {addon!r}")
    parity = _PARITY2[int(addon) % 4]
    codes = [(_L if p == "L" else _G)[int(d)] for p, d in zip(parity, addon, strict=True)]
    return "1011" + codes[0] + "01" + codes[1]


def ean13_drawing(value: str, addon: str | None = None, magnification: float = 1.0) -> shapes.Drawing:
    """An EAN-13 symbol (with its quiet zones and human-readable digits) and optional 2-digit add-on."""
    value = verify_ean13(value)
    if magnification < MIN_MAGNIFICATION - 1e-9:
        raise FurnitureError(f"EAN-13 magnification {magnification:.0%} is under the standard's "
                             f"minimum of {MIN_MAGNIFICATION:.0%}")
    module = NOMINAL_MODULE_MM * magnification * RL_MM
    bar_h = 22.85 * magnification * RL_MM
    font = 8 * magnification
    w = Ean13BarcodeWidget(value[:12], barWidth=module, barHeight=bar_h, fontSize=font,
                           barFillColor=rl_colors.black, textColor=rl_colors.black)
    # quiet zones as lengths; ReportLab's attribute map wrongly declares them booleans, so set them directly
    w.__dict__["lquiet"], w.__dict__["rquiet"] = QUIET_LEFT * module, QUIET_RIGHT * module
    if w._checkdigit(value[:12]) != value[12]:  # ReportLab appends its own: it must agree with ours
        raise FurnitureError(f"EAN-13 {value}: check digit disagrees with ReportLab's")
    main_w = w.width  # quiet zones included
    d = shapes.Drawing(main_w, bar_h)
    d.add(w)
    if addon:
        bars = ean2_modules(addon)
        ax = main_w - QUIET_RIGHT * module + ADDON_GAP * module
        fth = font * 1.2  # the digits sit above the add-on's bars, its bars' feet level with the main bars'
        i = 0
        while i < len(bars):
            if bars[i] == "1":
                j = i
                while j < len(bars) and bars[j] == "1":
                    j += 1
                d.add(shapes.Rect(ax + i * module, 0, (j - i) * module, bar_h - fth, fillColor=rl_colors.black,
                                  strokeColor=None, strokeWidth=0))
                i = j
            else:
                i += 1
        aw = len(bars) * module
        d.add(shapes.String(ax + aw / 2, bar_h - fth + 0.2 * fth, addon, fontSize=font,
                            textAnchor="middle", fillColor=rl_colors.black))
        d.width = ax + aw + ADDON_QUIET_RIGHT * module
    return d


QR_QUIET = 4  # modules of quiet zone around a QR code (ISO/IEC 18004)
QR_MIN_MODULE_MM = 0.4  # newsprint's dot gain closes finer modules: the smallest module we print
QR_MAX_MM = 200


def qr_modules(url: str, level: str = "M") -> int:
    """Modules a side of the QR symbol for this text and level (without its quiet zone)."""
    from reportlab.graphics.barcode.qr import QrCodeWidget

    w = QrCodeWidget(url, barLevel=level, barBorder=0)
    w.qr.make()
    return int(w.qr.getModuleCount())


def qr_size(value: object, url: str, level: str) -> int:
    """A qr: size: (the symbol's side, quiet zone not counted) checked: a length whose modules are at least
    QR_MIN_MODULE_MM, at most QR_MAX_MM; millipoints."""
    from ..units import parse_length

    try:
        size = parse_length(value if isinstance(value, str) else None)
    except ValueError as e:
        raise FurnitureError(f"qr: size: {e}") from None
    n = qr_modules(url, level)
    low = QR_MIN_MODULE_MM * n
    if size < low * 2834.6 - 1 or size > QR_MAX_MM * 2834.6:
        raise FurnitureError(f"qr: size {value}: this code has {n} modules a side, so {low:.1f}–{QR_MAX_MM} mm "
                             f"(modules of at least {QR_MIN_MODULE_MM} mm)")
    return size


def qr_drawing(url: str, size_pt: float, level: str = "M", quiet: int = 4) -> shapes.Drawing:
    """A QR code of the given size including its quiet zone (4 modules by the standard)."""
    if level not in ("L", "M", "Q", "H"):
        raise FurnitureError(f"QR error-correction level {level!r}: one of L M Q H")
    w = QrCodeWidget(url, barLevel=level, barBorder=quiet, barFillColor=rl_colors.black)
    x0, y0, x1, y1 = w.getBounds()
    d = shapes.Drawing(size_pt, size_pt)
    g = shapes.Group(w)
    g.transform = (size_pt / (x1 - x0), 0, 0, size_pt / (y1 - y0), -x0 * size_pt / (x1 - x0),
                   -y0 * size_pt / (y1 - y0))
    d.add(g)
    return d


Series = list[tuple[str, list[float]]]  # (name, one value per category)
CSV_MAX_BYTES, CSV_MAX_ROWS, CSV_MAX_SERIES = 1_000_000, 200, 12


def chart_palette(colors: dict[str, tuple[float, float, float, float]]) -> list[tuple[float, float, float, float]]:
    """Series colours from the layout: its chart-1, chart-2 … colours, else the accent, greys and tints of it."""
    named = [colors[k] for k in sorted((k for k in colors if k.startswith("chart-")), key=lambda k: (len(k), k))]
    if named:
        return named
    c, m, y, k = colors.get("accent", (0.0, 1.0, 1.0, 0.15))
    return [(c, m, y, k), (0, 0, 0, 0.65), (c * 0.45, m * 0.45, y * 0.45, k * 0.45), (0, 0, 0, 0.35),
            (c * 0.2, m * 0.2, y * 0.2, k * 0.2)]


def _text_width(text: str, size: float) -> float:
    """About how wide a label is set: CJK and full-width characters an em, others half of one."""
    return sum(size if ord(ch) > 0x2E7F else 0.55 * size for ch in text)


def chart_drawing(kind: str, data: dict[str, float], title: str = "", width_pt: float = 200,
                  height_pt: float = 150, color: tuple[float, float, float, float] = (0, 1, 1, 0.15),
                  series: Series | None = None, palette: list[tuple[float, float, float, float]] | None = None,
                  x_label: str = "", y_label: str = "") -> shapes.Drawing:
    """A bar, line or pie chart of labelled values (data), or of several series over data's labels; its
    strings are set in the house fonts on conversion (titles bold). A legend names the series (the slices
    of a pie) when there is more than one."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.charts.piecharts import Pie

    if not data:
        raise FurnitureError("a chart needs data")
    labels = list(data)
    rows = series or [("", [float(v) for v in data.values()])]
    if any(len(vals) != len(labels) for _, vals in rows):
        raise FurnitureError("chart: every series needs one value per label")
    inks = [rl_colors.CMYKColor(*c) for c in (palette or [color, *chart_palette({"accent": color})[1:]])]
    d = shapes.Drawing(width_pt, height_pt)
    top = height_pt - 4
    if title:
        d.add(shapes.String(width_pt / 2, height_pt - 12, title, fontSize=10, fontName="Helvetica-Bold",
                            textAnchor="middle", fillColor=rl_colors.black))
        top = height_pt - 18
    names = labels if kind == "pie" else [name for name, _ in rows]
    if kind == "pie" or len(rows) > 1:  # the legend: a swatch and a name each, in rows under the title
        x, y, fs = 4.0, top - 8, 8.0
        for i, name in enumerate(names):
            w = 10 + _text_width(name, fs) + 8
            if x + w > width_pt and x > 4:
                x, y = 4.0, y - 12
            d.add(shapes.Rect(x, y, 7, 7, fillColor=inks[i % len(inks)], strokeColor=None, strokeWidth=0))
            d.add(shapes.String(x + 10, y + 0.5, name, fontSize=fs, fillColor=rl_colors.black))
            x += w
        top = y - 8
    if y_label and kind != "pie":  # the value axis' title (a unit) above it, read horizontally
        d.add(shapes.String(4, top - 8, y_label, fontSize=8, fillColor=rl_colors.black))
        top -= 14
    bottom = 18 + (12 if x_label and kind != "pie" else 0)
    if top - bottom < 30:
        raise FurnitureError(f"chart: {width_pt / 2.8346:.0f} × {height_pt / 2.8346:.0f} mm leaves no room to "
                             "plot (give it more lines)")
    if kind in ("bar", "line"):
        chart = VerticalBarChart() if kind == "bar" else HorizontalLineChart()
        chart.x, chart.y, chart.width, chart.height = 28, bottom, width_pt - 36, top - bottom
        chart.data = [tuple(vals) for _, vals in rows]
        chart.categoryAxis.categoryNames = labels
        chart.categoryAxis.labels.fontSize = 8
        chart.valueAxis.labels.fontSize = 7
        chart.valueAxis.valueMin = min(0.0, *(min(vals) for _, vals in rows))
        for i in range(len(rows)):
            if kind == "bar":
                chart.bars[i].fillColor = inks[i % len(inks)]
                chart.bars[i].strokeColor = None
            else:
                chart.lines[i].strokeColor = inks[i % len(inks)]
                chart.lines[i].strokeWidth = 1.5
        if x_label:
            d.add(shapes.String(chart.x + chart.width / 2, 4, x_label, fontSize=8, textAnchor="middle",
                                fillColor=rl_colors.black))
    elif kind == "pie":
        values = rows[0][1]
        chart = Pie()
        size = min(width_pt - 40, top - bottom)
        chart.x, chart.y, chart.width, chart.height = (width_pt - size) / 2, bottom, size, size
        total = sum(values) or 1
        chart.data, chart.labels = values, [f"{v / total:.0%}" for v in values]
        chart.slices.fontSize = 8
        for i in range(len(values)):
            chart.slices[i].fillColor = inks[i % len(inks)]
            chart.slices[i].strokeColor = rl_colors.white
    else:
        raise FurnitureError(f"chart type {kind!r}: one of bar, line, pie")
    d.add(chart)
    return d


def read_chart_csv(path) -> tuple[dict[str, float], Series, str]:
    """A chart's table: a header row (the category axis' title, then one name per series), then a label
    and its values a row. Problems name the CSV's row and column."""
    import csv

    if path.suffix.lower() != ".csv":
        raise FurnitureError(f"chart: data: {path.name}: a .csv file (or a mapping of labels to numbers)")
    if not path.is_file():
        raise FurnitureError(f"chart: data: {path.name} not found (looked in {path.parent})")
    raw = path.read_bytes()
    if len(raw) > CSV_MAX_BYTES:
        raise FurnitureError(f"chart: data: {path.name} is over {CSV_MAX_BYTES // 1_000_000} MB")
    try:
        rows = [r for r in csv.reader(raw.decode("utf-8-sig").splitlines()) if any(c.strip() for c in r)]
    except (UnicodeDecodeError, csv.Error) as e:
        raise FurnitureError(f"chart: data: {path.name}: {e}") from None
    if len(rows) < 2 or len(rows[0]) < 2:
        raise FurnitureError(f"chart: data: {path.name} needs a header row and a row of values "
                             "(label, value …)")
    head = [c.strip() for c in rows[0]]
    if len(head) - 1 > CSV_MAX_SERIES or len(rows) - 1 > CSV_MAX_ROWS:
        raise FurnitureError(f"chart: data: {path.name}: at most {CSV_MAX_SERIES} series and {CSV_MAX_ROWS} rows")
    labels: dict[str, float] = {}
    columns: list[list[float]] = [[] for _ in head[1:]]
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != len(head):
            raise FurnitureError(f"chart: data: {path.name} row {n}: {len(row)} cells, the header has {len(head)}")
        label = row[0].strip()
        if not label or label in labels:
            raise FurnitureError(f"chart: data: {path.name} row {n}: {'an empty' if not label else 'a repeated'} "
                                 f"label {label!r}")
        for c, cell in enumerate(row[1:]):
            try:
                columns[c].append(float(cell.strip().replace(",", "")))
            except ValueError:
                raise FurnitureError(f"chart: data: {path.name} row {n} column {c + 2}: {cell!r} is not a "
                                     "number") from None
        labels[label] = columns[0][-1]
    return labels, [(name, vals) for name, vals in zip(head[1:], columns, strict=True)], head[0]


def check_spec(kind: str, node, fname: str, problems) -> tuple[str, dict] | None:
    """A barcode:, qr: or chart: mapping from the manifest, checked; problems located at the node."""
    import yaml

    try:
        spec = yaml.safe_load(yaml.serialize(node))
    except yaml.YAMLError as e:
        problems.add(fname, node.start_mark, f"{kind}: {e}")
        return None
    allowed = {"barcode": {"ean13", "addon", "magnification"}, "qr": {"url", "size", "level"},
               "chart": {"type", "data", "title", "x-label", "y-label"}, "masthead": {"cn", "post"}}[kind]
    if not isinstance(spec, dict):
        problems.add(fname, node.start_mark, f"{kind}: needs a mapping ({', '.join(sorted(allowed))})")
        return None
    unknown = set(spec) - allowed
    if unknown:
        problems.add(fname, node.start_mark, f"{kind}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
        return None
    try:
        if kind == "barcode":
            spec["ean13"] = verify_ean13(str(spec.get("ean13", "")))
            if spec.get("addon") is not None:
                spec["addon"] = f"{spec['addon']:02d}" if isinstance(spec["addon"], int) else str(spec["addon"])
                ean2_modules(spec["addon"])
            ean13_drawing(spec["ean13"], spec.get("addon"), float(spec.get("magnification", 1.0)))
        elif kind == "masthead":
            pass
        elif kind == "qr":
            if not isinstance(spec.get("url"), str) or not spec["url"]:
                raise FurnitureError("qr: needs url:")
            qr_drawing(spec["url"], 72, str(spec.get("level", "M")))
            if spec.get("size") is not None:
                spec["size"] = qr_size(spec["size"], spec["url"], str(spec.get("level", "M")))
        else:
            data = spec.get("data")
            if isinstance(data, str):  # a CSV file next to the manifest
                from pathlib import Path

                labels, series, x_title = read_chart_csv(Path(fname).parent / data)
                spec["data"], spec["series"] = labels, series
                spec.setdefault("x-label", x_title)
            elif not isinstance(data, dict) or not data or not all(
                    isinstance(v, int | float) and not isinstance(v, bool) for v in data.values()):
                raise FurnitureError("chart: data: needs a mapping of labels to numbers, or a .csv file")
            for key in ("title", "x-label", "y-label"):
                if spec.get(key) is not None and not isinstance(spec[key], str):
                    raise FurnitureError(f"chart: {key}: needs text")
            chart_drawing(str(spec.get("type", "")), {str(k): v for k, v in spec["data"].items()},
                          str(spec.get("title", "")), series=spec.get("series"), x_label=spec.get("x-label") or "",
                          y_label=spec.get("y-label") or "", height_pt=400)
    except FurnitureError as e:
        problems.add(fname, node.start_mark, str(e))
        return None
    return (kind, spec)


def fit_problem(kind: str, spec: dict, width: int, height: int) -> str | None:
    """Why a furniture module's contents cannot fit its grid rectangle (millipoints), or None."""
    if kind == "qr" and spec.get("size"):
        n = qr_modules(spec["url"], str(spec.get("level", "M")))
        side = spec["size"] * (n + 2 * QR_QUIET) / n
        if side > min(width, height) + 1:
            return (f"qr: size {spec['size'] / 2834.6:.1f} mm with its {QR_QUIET}-module quiet zone is "
                    f"{side / 2834.6:.1f} mm, larger than its module ({width / 2834.6:.1f} × "
                    f"{height / 2834.6:.1f} mm)")
    return None


def place(page, module, layout, fonts) -> None:
    """Draw a furniture module into its grid rectangle (scaled to fit, never below a barcode's minimum)."""
    from ..graphics import drawing_items
    from .compose import Grid

    kind, spec = module.furniture
    grid = Grid(layout)
    x0, width = grid.x(module.column), grid.width(module.span)
    top = grid.band_top(module.line)
    height = module.lines * layout.pitch
    style = layout.style("caption")
    if kind == "barcode":
        d = ean13_drawing(spec["ean13"], spec.get("addon"), float(spec.get("magnification", 1.0)))
        scale = 1.0  # a barcode keeps its specified size: shrinking could take it under the minimum
    elif kind == "qr":
        level = str(spec.get("level", "M"))
        side = min(width, height) / 1000  # without size: the largest square the module holds
        if spec.get("size"):  # the symbol's side as asked, its 4-module quiet zone around it
            n = qr_modules(spec["url"], level)
            side = spec["size"] / 1000 * (n + 2 * QR_QUIET) / n
            side = min(side, min(width, height) / 1000)  # the manifest checked it fits (fit_problem)
        d = qr_drawing(spec["url"], side, level)
        scale = 1.0
    else:
        d = chart_drawing(spec["type"], {str(k): v for k, v in spec["data"].items()}, str(spec.get("title", "")),
                          width / 1000, height / 1000, series=spec.get("series"),
                          palette=chart_palette(layout.colors), x_label=spec.get("x-label") or "",
                          y_label=spec.get("y-label") or "")
        scale = 1.0
        style = layout.styles.get("chart") or layout.style("folio-info")
    bold = layout.styles.get("chart-title") or layout.style("runin")
    page.items.extend(drawing_items(d, fonts, layout, style, x0, top, scale, bold=bold))


_STEMS, _BRANCHES = "甲乙丙丁戊己庚辛壬癸", "子丑寅卯辰巳午未申酉戌亥"
_MONTHS = "正二三四五六七八九十冬腊"
_DAYS_TENS = ["初", "十", "廿", "三"]
_DIGITS = "一二三四五六七八九十"


def lunar_date(d) -> str:
    """农历 for a Gregorian date, e.g. 乙巳年二月初四 (lunardate's tables, 1900–2099)."""
    from lunardate import LunarDate

    lun = LunarDate.from_solar_date(d.year, d.month, d.day)
    year = _STEMS[(lun.year - 4) % 10] + _BRANCHES[(lun.year - 4) % 12]
    month = ("闰" if lun.is_leap_month else "") + _MONTHS[lun.month - 1] + "月"
    day = {10: "初十", 20: "二十", 30: "三十"}.get(lun.day) or _DAYS_TENS[lun.day // 10] + _DIGITS[lun.day % 10 - 1]
    return f"{year}年{month}{day}"


def masthead_lines(issue, spec: dict) -> tuple[str, str]:
    """The masthead's two data lines: the date (with weekday and lunar date), then number, CN and 邮发代号."""
    d = issue.date
    date_line = f"{d.year}年{d.month}月{d.day}日　星期{'一二三四五六日'[d.weekday()]}　农历{lunar_date(d)}"
    cn, post = spec.get("cn") or getattr(issue, "cn", None), spec.get("post") or getattr(issue, "post_code", None)
    parts = [issue.number or "", f"国内统一连续出版物号 {cn}" if cn else "", f"邮发代号 {post}" if post else ""]
    return date_line, "　".join(p for p in parts if p)


def place_masthead(page, module, layout, fonts, issue) -> None:
    """The nameplate (the paper's name, large) and the data lines beneath it, in the module's rectangle."""
    import dataclasses

    from .compose import Grid
    from .text import headline_lines, line_runs

    grid = Grid(layout)
    x0, width = grid.x(module.column), grid.width(module.span)
    top = grid.band_top(module.line)
    title = layout.style("title")
    size = min(module.lines * layout.pitch // 2, width // max(1, len(issue.paper)))
    plate = dataclasses.replace(title, size=size, leading=size)
    line = headline_lines(fonts, layout, issue.paper, plate, width)[0]
    base = top + size
    page.items.extend(line_runs(line, x0, base, {f: plate.color for f in (plate.font, plate.marks_font) if f}))
    info = layout.style("folio-info")
    for text in masthead_lines(issue, module.furniture[1]):
        base += info.leading or round(info.size * 1.5)
        ln = headline_lines(fonts, layout, text, info, 10**9)[0]
        page.items.extend(line_runs(ln, x0, base, {f: info.color for f in (info.font, info.marks_font) if f}))
