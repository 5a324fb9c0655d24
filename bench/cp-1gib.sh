#!/usr/bin/env bash
# bench/cp-1gib.sh: "qs cp" of a 1 GiB file to a local "qs serve" and back
# (and once more from standard input, where qs must buffer parts), beside
# curl doing one presigned PUT and one presigned GET of the same file to the
# same server. Every download is compared with the source (cmp).
#
# Prints one line per transfer: seconds (wall), MiB/s and peak RSS in MiB
# (from /usr/bin/time -v), then checks that each qs run's peak RSS stays
# under part size x concurrency plus SLACK_MIB; exits non-zero otherwise.
# File uploads and downloads read and write parts by offset, so they stay far
# below the bound; from standard input qs holds up to CONCURRENCY parts.
#
# Usage: bench/cp-1gib.sh [SIZE_MIB] (default 1024)
# Env:   PART_SIZE (default 64MiB), CONCURRENCY (default 4), SLACK_MIB (default 64)
# Needs: go, curl, /usr/bin/time (Debian/Ubuntu: apt-get install -y curl time),
#        about 5 x SIZE_MIB of free space under $TMPDIR (default /tmp).
set -euo pipefail

size_mib=${1:-1024}
part_size=${PART_SIZE:-64MiB}
concurrency=${CONCURRENCY:-4}
slack_mib=${SLACK_MIB:-64}

. "$(dirname "$0")/lib.sh"
bench_setup
make_source "$size_mib"
"$qs" mb -q qs://bench-bucket

echo "qs cp up and down (--part-size $part_size --concurrency $concurrency)..."
measure qs_up "$qs" cp -q --part-size "$part_size" --concurrency "$concurrency" "$work/src.bin" qs://bench-bucket/big.bin
measure qs_down "$qs" cp -q --part-size "$part_size" --concurrency "$concurrency" qs://bench-bucket/big.bin "$work/down.bin"
cmp "$work/src.bin" "$work/down.bin"
rm -f "$work/down.bin"
# From standard input qs must buffer: at most --concurrency parts in memory.
measure qs_stdin sh -c 'exec "$0" cp -q --part-size "$1" --concurrency "$2" - qs://bench-bucket/stdin.bin <"$3"' \
	"$qs" "$part_size" "$concurrency" "$work/src.bin"

echo "curl presigned PUT and GET..."
put_url=$("$qs" presign --method PUT --expire 1h qs://bench-bucket/curl.bin 2>/dev/null)
measure curl_up curl -sS -f -T "$work/src.bin" "$put_url"
get_url=$("$qs" presign --expire 1h qs://bench-bucket/curl.bin)
measure curl_down curl -sS -f -o "$work/curl.bin" "$get_url"
cmp "$work/src.bin" "$work/curl.bin"

part_bytes=$(echo "$part_size" | awk '
	{ v = toupper($0); sub(/I?B$/, "", v); m = 1
	  if (v ~ /K$/) m = 1024; else if (v ~ /M$/) m = 1048576; else if (v ~ /G$/) m = 1073741824
	  sub(/[KMG]$/, "", v); print v * m }')
limit_kib=$(( part_bytes * concurrency / 1024 + slack_mib * 1024 ))

printf '\n%-10s %10s %10s %12s\n' "transfer" "seconds" "MiB/s" "peak RSS MiB"
for n in qs_up qs_down qs_stdin curl_up curl_down; do
	awk -v n="$n" -v s="${secs[$n]}" -v b="$bytes" -v r="${rss[$n]}" 'BEGIN {
		printf "%-10s %10.2f %10.1f %12.1f\n", n, s, (s > 0 ? b / 1048576 / s : 0), r / 1024 }'
done
echo
ok=1
for n in qs_up qs_down qs_stdin; do
	if [ "${rss[$n]}" -gt "$limit_kib" ]; then
		echo "FAIL: $n peak RSS ${rss[$n]} KiB exceeds part size x concurrency + ${slack_mib} MiB = $limit_kib KiB"
		ok=0
	fi
done
[ "$ok" = 1 ] && echo "ok: qs peak RSS stays under part size x concurrency + ${slack_mib} MiB ($((limit_kib / 1024)) MiB)"
[ "$ok" = 1 ]
