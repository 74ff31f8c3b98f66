"""Photos for a profile: cropped, converted (CMYK through the printing condition's profile, or RGB), embedded."""

from __future__ import annotations

import io
import os
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

import pydyf
from PIL import Image as PILImage
from PIL import ImageCms

from ..model import Image
from .objects import flate


@lru_cache(maxsize=4)
def _cmyk_transform(output_profile: str, source_icc: bytes | None) -> ImageCms.ImageCmsTransform:
    src = ImageCms.ImageCmsProfile(io.BytesIO(source_icc)) if source_icc else ImageCms.createProfile("sRGB")
    dst = ImageCms.ImageCmsProfile(output_profile)
    return ImageCms.buildTransform(src, dst, "RGB", "CMYK", renderingIntent=ImageCms.Intent.PERCEPTUAL)


def pixels(item: Image, color: str, output_profile: Path | None) -> tuple[bytes, int, int, str]:
    """(samples, width, height, PDF colour space) of the cropped image in the profile's colour model."""
    with PILImage.open(item.path) as im:
        im.load()
        icc = im.info.get("icc_profile")
        cropped: PILImage.Image = im.crop(item.crop)
        out: PILImage.Image
        if color == "cmyk":
            if cropped.mode == "CMYK":
                out = cropped  # already separated for print: taken as it is
            else:
                rgb = cropped.convert("RGB")
                if output_profile is None:
                    raise ValueError(f"{item.path}: converting a photo to CMYK needs the layout's output-intent "
                                     "profile")
                made = ImageCms.applyTransform(rgb, _cmyk_transform(str(output_profile), icc))
                assert made is not None
                out = made
            return out.tobytes(), out.width, out.height, "/DeviceCMYK"
        out = cropped.convert("RGB")
        return out.tobytes(), out.width, out.height, "/DeviceRGB"


# what a photo became, by what it was made from: a page's print file and the whole issue's embed the same
# CMYK photo, and converting and compressing it (most of an illustrated build's time) is done once per process
_MADE: OrderedDict[tuple, tuple[bytes, dict]] = OrderedDict()
_MADE_MAX = 16


def embed_image(pdf: pydyf.PDF, item: Image, color: str, output_profile: Path | None,
                ppi: int = 0) -> pydyf.Stream:
    """ppi > 0 (the screen copy, RGB): downsampled to that resolution at its size on the page, as JPEG."""
    try:
        st = os.stat(item.path)
        key: tuple | None = (item.path, st.st_mtime_ns, st.st_size, item.crop, item.w, item.h, color,
                             str(output_profile), ppi)
    except OSError:
        key = None
    if key is not None and key in _MADE:
        _MADE.move_to_end(key)
        body, extra = _MADE[key]
        stream = pydyf.Stream([body], dict(extra))
        pdf.add_object(stream)
        return stream
    stream = _embed(item, color, output_profile, ppi)
    if key is not None:
        _MADE[key] = (b"".join(stream.stream), dict(stream.extra))
        while len(_MADE) > _MADE_MAX:
            _MADE.popitem(last=False)
    pdf.add_object(stream)
    return stream


def _embed(item: Image, color: str, output_profile: Path | None, ppi: int) -> pydyf.Stream:
    data, w, h, space = pixels(item, color, output_profile)
    if ppi and color == "rgb":
        tw, th = max(1, round(item.w * ppi / 72000)), max(1, round(item.h * ppi / 72000))
        im = PILImage.frombytes("RGB", (w, h), data)
        if tw < w:
            im = im.resize((tw, th), PILImage.Resampling.LANCZOS)
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=80, optimize=True)
        return pydyf.Stream([buf.getvalue()], {"Type": "/XObject", "Subtype": "/Image", "Width": im.width,
                                               "Height": im.height, "ColorSpace": space, "BitsPerComponent": 8,
                                               "Filter": "/DCTDecode"})
    return flate(data, {"Type": "/XObject", "Subtype": "/Image", "Width": w, "Height": h, "ColorSpace": space,
                        "BitsPerComponent": 8})
