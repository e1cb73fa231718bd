#!/bin/sh
# Regenerates the image fixtures of tests/data/images/ and the seed corpus
# of tests/fuzz/corpus/image/. The outputs are committed, so neither the
# build nor the tests need these tools; run this only to change a fixture.
#
# Needs (Debian 12): imagemagick, libimage-exiftool-perl, webp, zip,
# python3; optionally python-matplotlib-data for the portrait photo.
#
#   apt-get install imagemagick libimage-exiftool-perl webp zip python-matplotlib-data
#   sh tests/data/images/make-fixtures.sh
#
# Every fixture is tiny; each is described next to the command that makes
# it. What the pipeline must do with each one is in
# tests/unit/media/image_test.c.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
corpus="$here/../../fuzz/corpus/image"
mkdir -p "$corpus"
cd "$here"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A reproducible picture without any outside file: a colour gradient with a
# dark bar in the top-left corner, so a rotation is visible to a person and
# the aspect ratio (3:2, landscape as stored) to a test.
picture() { # WIDTH HEIGHT OUT
	convert -size "$1x$2" gradient:'#e8a0b0-#3050a0' \
		-fill '#202020' -draw "rectangle 0,0 $(($1 / 3)),$(($2 / 8))" \
		-define png:exclude-chunks=date,time "$3"
}

# --- accepted --------------------------------------------------------------

# photo-gps-orient6.jpg: 300x200 as stored, EXIF Orientation=6 (display
# rotated 90° clockwise, so 200x300 once autorotated), GPS position,
# camera make/model, an XMP and an IPTC block and a JPEG COM comment:
# everything the pipeline must strip.
picture 300 200 "$tmp/p.png"
convert "$tmp/p.png" -strip -quality 85 -set comment 'secret comment' photo-gps-orient6.jpg
exiftool -q -overwrite_original -n \
	-Orientation=6 -Make=BeauBelleCam -Model='Fixture 1' \
	-GPSLatitude=35.6586 -GPSLatitudeRef=N -GPSLongitude=139.7454 -GPSLongitudeRef=E \
	-XMP-dc:Creator='Fixture Author' -IPTC:Keywords=fixture \
	photo-gps-orient6.jpg

# still.png: 240x160 RGBA with a half-transparent corner and a tEXt chunk
# holding markup, which must not survive re-encoding.
picture 240 160 "$tmp/s.png"
convert "$tmp/s.png" -alpha set -region 60x40+0+0 -channel A -evaluate set 50% +region \
	-set comment '<script>alert(1)</script>' \
	-define png:exclude-chunks=date,time still.png

# still.webp: 200x300 portrait orientation, lossy.
picture 200 300 "$tmp/w.png"
cwebp -quiet -q 80 "$tmp/w.png" -o still.webp

# still.gif: one 160x100 frame.
picture 160 100 "$tmp/g.png"
convert "$tmp/g.png" -colors 64 still.gif

# anim.gif: three 64x48 frames, looping (kept animated as WebP).
convert -size 64x48 -delay 20 -loop 0 xc:'#d04060' xc:'#40a060' xc:'#4060d0' anim.gif

# portrait.jpg: a real photograph (Grace Hopper, U.S. Navy photo, public
# domain) shipped by Debian's python-matplotlib-data; kept as it is when
# the package is absent.
hopper=/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg
if [ -f "$hopper" ]; then cp "$hopper" portrait.jpg; fi

# polyglot.jpg: a valid JPEG with a ZIP archive appended (a JPEG+ZIP
# polyglot). Accepted as a JPEG; the trailing archive must be gone from
# every output because the image is re-encoded.
printf 'not an image\n' > "$tmp/payload.txt"
(cd "$tmp" && zip -q -X payload.zip payload.txt)
convert "$tmp/p.png" -strip -resize 90x60 -quality 80 "$tmp/small.jpg"
cat "$tmp/small.jpg" "$tmp/payload.zip" > polyglot.jpg

# --- refused ---------------------------------------------------------------

# script.svg: SVG with a script element (scriptable format: unsupported).
cat > script.svg <<'EOF'
<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">
  <script>alert(document.cookie)</script>
  <rect width="100" height="100" fill="red"/>
</svg>
EOF

# html.jpg: an HTML page with a .jpg name (the name must not matter).
cat > html.jpg <<'EOF'
<!doctype html>
<html><body><script>alert(document.cookie)</script><img src=x></body></html>
EOF

# doc.pdf: a one-page PDF with a JavaScript open action, written by hand
# (ImageMagick's default policy forbids writing PDF).
python3 - doc.pdf <<'EOF'
import sys
objs = [b'<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>',
        b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 40 40] >>',
        b'<< /S /JavaScript /JS (app.alert\\(1\\)) >>']
out = bytearray(b'%PDF-1.4\n')
offs = []
for i, o in enumerate(objs, 1):
    offs.append(len(out))
    out += b'%d 0 obj\n' % i + o + b'\nendobj\n'
xref = len(out)
out += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objs) + 1)
out += b''.join(b'%010d 00000 n \n' % o for o in offs)
out += b'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (len(objs) + 1, xref)
open(sys.argv[1], 'wb').write(out)
EOF

# image.tiff, image.psd, image.ico: real images in formats we do not take.
convert -size 16x16 xc:'#a04070' image.tiff
convert -size 16x16 xc:'#a04070' image.psd
convert -size 16x16 xc:'#a04070' image.ico

# truncated.jpg: the first 60% of a JPEG (no EOI, scan cut short).
convert "$tmp/p.png" -strip -quality 90 "$tmp/full.jpg"
size=$(wc -c < "$tmp/full.jpg")
head -c $((size * 6 / 10)) "$tmp/full.jpg" > truncated.jpg

# bomb.png: a decompression bomb, 30000x30000 1-bit greyscale (900
# megapixels) in about 110 KB; refused from its header.
python3 - bomb.png <<'EOF'
import struct, sys, zlib
w = h = 30000
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))
z = zlib.compressobj(9)
row = b'\0' * (1 + (w + 7) // 8)
idat = b''.join(z.compress(row) for _ in range(h)) + z.flush()
with open(sys.argv[1], 'wb') as f:
    f.write(b'\x89PNG\r\n\x1a\n')
    f.write(chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 1, 0, 0, 0, 0)))
    f.write(chunk(b'IDAT', idat))
    f.write(chunk(b'IEND', b''))
EOF

# bomb-sof.jpg: a small JPEG whose SOF header claims 65500x65500.
python3 - "$tmp/small.jpg" bomb-sof.jpg <<'EOF'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
i = 2
while i < len(d):
    marker = d[i + 1]
    seglen = (d[i + 2] << 8) | d[i + 3]
    if marker in (0xc0, 0xc1, 0xc2):
        d[i + 5:i + 9] = bytes([0xff, 0xdc, 0xff, 0xdc])
        break
    i += 2 + seglen
open(sys.argv[2], 'wb').write(d)
EOF

# big-frames.gif: an animated GIF of two 1000x1000 frames (1,000,000
# pixels per frame, over the 921,600 per-frame limit of animations).
convert -size 1000x1000 -delay 50 -loop 0 xc:'#d04060' xc:'#4060d0' big-frames.gif

# many-frames.gif: 302 frames of 4x4, over the 300-frame limit.
convert -size 4x4 -delay 2 -loop 0 xc:red xc:blue -duplicate 300 many-frames.gif

# empty.jpg: no bytes at all.
: > empty.jpg

# --- fuzz seed corpus: tiny valid images of every accepted kind -----------
convert -size 8x6 gradient:red-blue -strip -quality 70 "$corpus/tiny.jpg"
convert -size 8x6 gradient:red-blue -define png:exclude-chunks=date,time "$corpus/tiny.png"
convert -size 8x6 gradient:red-blue "$tmp/t.png"
cwebp -quiet -q 50 "$tmp/t.png" -o "$corpus/tiny.webp"
cwebp -quiet -lossless "$tmp/t.png" -o "$corpus/tiny-lossless.webp"
convert -size 8x6 gradient:red-blue -colors 8 "$corpus/tiny.gif"
convert -size 4x4 -delay 10 -loop 0 xc:red xc:blue "$corpus/tiny-anim.gif"
exiftool -q -overwrite_original -n -Orientation=8 -GPSLatitude=1 "$corpus/tiny.jpg"

ls -l "$here" "$corpus"
