#!/bin/bash
# cc-scan on bad input and bad usage: the documented exit status, a clear
# message, no output file, no temporary file, the input untouched.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
OUT="$T/out.tiff"

test_case 'a truncated TIFF is bad input (exit 3) and leaves no output'
need_samples
cc-scan -o "$T/good.tiff" "$SAMPLES/birth-cert.png" 2>/dev/null
size=$(stat -c %s "$T/good.tiff")
head -c $((size / 2)) "$T/good.tiff" >"$T/trunc.tiff"
sum=$(sha256sum <"$T/trunc.tiff")
expect_failure 3 cc-scan -o "$OUT" "$T/trunc.tiff"
assert_stderr "^cc-scan: cannot read '$T/trunc.tiff': "
assert_no_file "$OUT"
assert_no_temp "$T"
assert_eq "$(sha256sum <"$T/trunc.tiff")" "$sum" "input unchanged"

test_case 'truncated PNG and JPEG are bad input'
need_samples
head -c 100000 "$SAMPLES/birth-cert.png" >"$T/trunc.png"
$PY -c "from PIL import Image
Image.open('$SAMPLES/birth-cert.png').save('$T/full.jpg', quality=90)"
head -c 50000 "$T/full.jpg" >"$T/trunc.jpg"
expect_failure 3 cc-scan -o "$OUT" "$T/trunc.png"
assert_stderr "cannot read '$T/trunc.png'"
expect_failure 3 cc-scan -o "$OUT" "$T/trunc.jpg"
assert_stderr "cannot read '$T/trunc.jpg'"
assert_no_file "$OUT"

test_case 'an empty file, a text file and a missing file are bad input'
: >"$T/empty.png"
echo "hello" >"$T/text.tiff"
expect_failure 3 cc-scan -o "$OUT" "$T/empty.png"
assert_stderr "cannot read '$T/empty.png': empty file"
expect_failure 3 cc-scan -o "$OUT" "$T/text.tiff"
assert_stderr "not a TIFF, PNG, JPEG or PNM image"
expect_failure 3 cc-scan -o "$OUT" "$T/missing.png"
assert_stderr "^cc-scan: cannot open '$T/missing.png': No such file or directory$"
assert_no_file "$OUT"

test_case 'a 100000 x 100000 header is refused before allocating'
printf 'P5\n100000 100000\n255\n' >"$T/huge.pgm"
# A PNG whose IHDR claims 100000 x 100000 (valid CRC), and a TIFF likewise.
$PY - "$T" <<-'PYEOF'
import struct, sys, zlib
d = sys.argv[1]
ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 0, 0, 0, 0)
chunk = lambda t, b: struct.pack(">I", len(b)) + t + b + \
    struct.pack(">I", zlib.crc32(t + b) & 0xffffffff)
open(d + "/huge.png", "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
    chunk(b"IDAT", zlib.compress(b"\0" * 100)) + chunk(b"IEND", b""))
tags = [(256, 4, 1, 100000), (257, 4, 1, 100000), (258, 3, 1, 8),
        (259, 3, 1, 1), (262, 3, 1, 1), (273, 4, 1, 8), (277, 3, 1, 1),
        (278, 4, 1, 100000), (279, 4, 1, 10000000000 % 2**32)]
ifd = struct.pack("<H", len(tags)) + b"".join(
    struct.pack("<HHII", t, ty, n, v) if ty == 4 else
    struct.pack("<HHIHH", t, ty, n, v, 0) for t, ty, n, v in tags) + \
    struct.pack("<I", 0)
open(d + "/huge.tiff", "wb").write(b"II*\0" + struct.pack("<I", 8) + ifd)
PYEOF
# 10^10 pixels would need gigabytes: a refusal must come at once and small
# (ulimit -v makes an attempt to allocate fail loudly). AddressSanitizer
# reserves terabytes of shadow memory and cannot run under such a limit.
limit="ulimit -v 1000000;"
[ -n "${CC_SANITIZED:-}" ] && limit=""
for f in huge.pgm huge.png huge.tiff; do
	expect_failure 3 bash -c "$limit exec cc-scan -o '$OUT' '$T/$f'"
	assert_stderr "image too large \\(100000 x 100000 pixels"
done
assert_no_file "$OUT"

test_case 'a bad page after good ones leaves no output'
need_samples
cp "$SAMPLES/birth-cert.png" "$T/ok.png"
echo "junk" >"$T/junk.png"
expect_failure 3 cc-scan -o "$OUT" "$T/ok.png" "$T/junk.png"
assert_no_file "$OUT"
assert_no_temp "$T"

test_case 'a failed run never touches an existing output file'
need_samples
echo "precious" >"$OUT"
expect_failure 1 cc-scan -o "$OUT" "$SAMPLES/blank.png"
assert_eq "$(cat "$OUT")" precious "existing output"
expect_failure 3 cc-scan -o "$OUT" "$T/missing.png"
assert_eq "$(cat "$OUT")" precious "existing output"
rm -f "$OUT"

test_case 'an interrupted run leaves neither output nor temporary file'
need_samples
# Enough pages to be still running when the signal comes.
set -- "$SAMPLES/birth-cert-noise.png"
for i in 1 2 3 4 5 6 7 8 9; do set -- "$@" "$SAMPLES/birth-cert-noise.png"; done
cc-scan -o "$OUT" "$@" 2>/dev/null &
pid=$!
# writing: the output's temporary file is open (a hidden name beside the
# target, or a file without a name in that directory: O_TMPFILE).
writing() {
	ls -l "/proc/$pid/fd" 2>/dev/null | grep -q -- "-> $T/"
}
for i in $(seq 50); do
	writing && break
	sleep 0.05
done
writing || fail "no temporary file seen while running"
kill -TERM "$pid"
wait "$pid"
status=$?
assert_eq "$status" 143 "died of SIGTERM"
assert_no_file "$OUT"
assert_no_temp "$T"

test_case 'output into a missing directory is a system failure (exit 4)'
need_samples
expect_failure 4 cc-scan -o "$T/no/such/dir/out.tiff" "$SAMPLES/idcard-back.png"
assert_stderr "^cc-scan: cannot create '$T/no/such/dir/out.tiff': No such file or directory$"

test_case 'a device or FIFO as output is written into, not replaced'
need_samples
expect_success cc-scan -o /dev/null "$SAMPLES/idcard-back.png"
[ -c /dev/null ] || fail "/dev/null is no longer a device"
mkfifo "$T/pipe"
cat "$T/pipe" >"$T/from-pipe" &
expect_success cc-scan -o "$T/pipe" "$SAMPLES/idcard-back.png"
wait
[ -p "$T/pipe" ] || fail "the FIFO was replaced"
assert_eq "$(tiffinfo "$T/from-pipe" 2>/dev/null | grep -c '^TIFF Directory')" 1 "TIFF through the FIFO"

test_case 'usage errors are exit 2'
need_samples
expect_failure 2 cc-scan -o "$OUT"
assert_stderr 'nothing to scan'
expect_failure 2 cc-scan --no-such-option "$SAMPLES/idcard-back.png"
assert_stderr "^cc-scan: --no-such-option: unknown option"
expect_failure 2 cc-scan --mode sepia -o "$OUT" "$SAMPLES/idcard-back.png"
expect_failure 2 cc-scan --source tray -o "$OUT" "$SAMPLES/idcard-back.png"
expect_failure 2 cc-scan --resolution abc -o "$OUT" "$SAMPLES/idcard-back.png"
expect_failure 2 cc-scan --resolution 99999 -o "$OUT" "$SAMPLES/idcard-back.png"
expect_failure 2 cc-scan -d test:0 -o "$OUT" "$SAMPLES/idcard-back.png"
expect_failure 2 cc-scan --json - "$SAMPLES/idcard-back.png"
cp "$SAMPLES/idcard-back.png" "$T/in.png"
expect_failure 2 cc-scan -o "$T/in.png" "$T/in.png"
assert_stderr "is both input and output"
assert_no_file "$OUT"

test_case 'a broken configuration file is an environment failure (exit 4)'
need_samples
printf '[office]\nname = x\ncolour = blue\n' >"$T/bad.conf"
CERTCOPY_CONF="$T/bad.conf" expect_failure 4 cc-scan -o "$OUT" "$SAMPLES/idcard-back.png"
assert_stderr "bad.conf:3: unknown key 'office.colour'"
CERTCOPY_CONF="$T/none.conf" expect_failure 4 cc-scan -o "$OUT" "$SAMPLES/idcard-back.png"
assert_stderr "cannot read configuration '$T/none.conf'"

test_case 'the configured scanner is used when none is given'
need tiffinfo
sane_setup
printf '[scan]\ndevice = test:1\nresolution = 150\n' >"$T/scan.conf"
CERTCOPY_CONF="$T/scan.conf" expect_success cc-scan --accept-poor -o "$OUT" \
	--json "$T/conf.json"
assert_jq "$T/conf.json" '.source.device == "test:1" and .pages[0].dpi == 150'

finish
