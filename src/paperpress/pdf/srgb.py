"""The archive copy's sRGB output profile, made by littleCMS through Pillow and made deterministic:
its creation date is fixed and its profile id (an MD5 over the profile, ICC.1 7.2.18) recomputed."""

from __future__ import annotations

import hashlib
import struct
from functools import lru_cache

# 2000-01-01 00:00:00: a fixed date, so the profile (and every archive file) is the same bytes on every build
_DATE = struct.pack(">6H", 2000, 1, 1, 0, 0, 0)


@lru_cache(maxsize=1)
def srgb_icc() -> bytes:
    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data[24:36] = _DATE
    probe = bytearray(data)
    probe[44:48] = b"\0" * 4  # profile flags
    probe[64:68] = b"\0" * 4  # rendering intent
    probe[84:100] = b"\0" * 16  # the id itself
    data[84:100] = hashlib.md5(bytes(probe)).digest()
    return bytes(data)
