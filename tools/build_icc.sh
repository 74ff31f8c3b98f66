#!/usr/bin/env bash
# Rebuild profiles/CGATS-TR002-SNAP-newsprint.icc, the coldset-newsprint CMYK output
# profile, from the CGATS/SNAP TR 002 characterization data that Debian ships.
#
#   apt-get install -y argyll icc-profiles-free    # argyll-ref comes with argyll
#   bash tools/build_icc.sh
#
# Same packages, same bytes: the only varying field colprof writes (the creation date)
# is pinned below. Other Argyll versions may fit the tables slightly differently, so the
# expected sha256 in profiles/README.md holds for the versions named there.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/profiles/CGATS-TR002-SNAP-newsprint.icc"

data=/usr/share/color/icc/TR002.ti3           # icc-profiles-free
srgb=/usr/share/color/argyll/ref/sRGB.icm     # argyll-ref
# Fixed creation date (UTC) for the header, so rebuilding never changes the file.
profile_date="2026-11-28T00:00:00"

for f in "$data" "$srgb"; do
    [[ -r $f ]] || { echo "missing $f: apt-get install -y argyll icc-profiles-free" >&2; exit 1; }
done
command -v colprof >/dev/null || { echo "colprof not found: apt-get install -y argyll" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# colprof takes a base name and wants <base>.ti3; TR002.ti3 is already a CTI3 file
# (CMYK_LAB, 928 IT8.7/3 patches), so it is used unchanged.
cp "$data" "$tmp/tr002.ti3"

# -l232      the press takes at most 240% total ink; tables are built 8% lower because
#            interpolating between clipped grid points overshoots: at -l240 relative-
#            colorimetric conversions of dark out-of-gamut colours reached 245%
# -kr        K ramps linearly from 0 at paper white to full at black: K-dominant greys
#            (heavy GCR) keep grey balance steady on a coldset press and use less ink
# -s sRGB    perceptual (and saturation) tables gamut-mapped from sRGB, the space of
#            most newsroom photos; relative colorimetric stays an unmapped inverse
# -qm        medium table resolution: ~170 KB; A2B fits the data to 0.2 dE mean, 1.0 peak
# -nc        leave the 48 KB measurement data out; the registry reference goes in 'targ'
# -Zm        newsprint is matte
colprof -qm -kr -l232 -s "$srgb" -nc -Zm \
    -D "CGATS TR 002 coldset newsprint (SNAP), TAC 240%" \
    -C "Based on ANSI CGATS/SNAP TR 002-2007 characterization data, Copyright 2007 NPES" \
    -O "$tmp/raw.icc" "$tmp/tr002" >"$tmp/colprof.log" 2>&1 \
    || { cat "$tmp/colprof.log" >&2; exit 1; }

# The ICC data registry asks profiles made from registered data to carry
# charTargetTag = "ICCHDAT <reference name>"; colprof has no option for that, and
# its date field is the build time. Patch both here.
python3 - "$tmp/raw.icc" "$tmp/final.icc" "$profile_date" "ICCHDAT CGATS TR 002" <<'EOF'
import datetime, hashlib, struct, sys

src, dst, when, targ = sys.argv[1:]
d = bytearray(open(src, "rb").read())
n = struct.unpack_from(">I", d, 128)[0]
table_end = 132 + 12 * n
tags = [struct.unpack_from(">4sII", d, 132 + 12 * i) for i in range(n)]
assert b"targ" not in [sig for sig, _, _ in tags], "colprof already wrote a targ tag"

# One more tag-table entry shifts all tag data by 12 bytes (alignment is kept).
entries = b"".join(struct.pack(">4sII", s, o + 12, z) for s, o, z in tags)
body = bytes(d[table_end:]) + b"\0" * (-len(d) % 4)
text = b"text\0\0\0\0" + targ.encode("ascii") + b"\0"
targ_off = table_end + 12 + len(body)
entries += struct.pack(">4sII", b"targ", targ_off, len(text))
out = bytearray(d[:128] + struct.pack(">I", n + 1) + entries + body + text)
out += b"\0" * (-len(out) % 4)
struct.pack_into(">I", out, 0, len(out))

t = datetime.datetime.fromisoformat(when)
struct.pack_into(">6H", out, 24, t.year, t.month, t.day, t.hour, t.minute, t.second)

# Profile ID (v4 only; a v2 profile leaves it zero): MD5 with flags, intent and ID zeroed.
if out[8] >= 4:
    z = bytearray(out)
    z[44:48] = z[64:68] = b"\0" * 4
    z[84:100] = b"\0" * 16
    out[84:100] = hashlib.md5(z).digest()
open(dst, "wb").write(out)
EOF

mkdir -p "$(dirname "$out")"
mv "$tmp/final.icc" "$out.tmp" && mv "$out.tmp" "$out"
sha256sum "$out"
