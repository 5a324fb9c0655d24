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

missing=()
command -v go >/dev/null || missing+=(go)
command -v curl >/dev/null || missing+=(curl)
[ -x /usr/bin/time ] || missing+=(/usr/bin/time)
if [ ${#missing[@]} -gt 0 ]; then
	echo "bench: missing ${missing[*]}; install them first (Debian/Ubuntu: apt-get install -y curl time)" >&2
	exit 1
fi

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/qs-bench.XXXXXX")
server_pid=
cleanup() {
	if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

echo "building qs..."
(cd "$root" && go build -o "$work/qs" ./cmd/qs)
qs="$work/qs"

# Fresh keys; the server picks a free loopback port and prints it.
export QINGSTOR_ACCESS_KEY_ID=BENCH$(head -c 256 /dev/urandom | tr -dc 'A-Z0-9' | head -c 15)
export QINGSTOR_SECRET_ACCESS_KEY=$(head -c 512 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 40)

"$qs" serve --addr 127.0.0.1:0 --data "$work/data" --log-level warn >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 100); do
	grep -q '^ready' "$work/serve.out" 2>/dev/null && break
	kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.err" >&2; exit 1; }
	sleep 0.1
done
grep -q '^ready' "$work/serve.out" || { echo "bench: qs serve did not start" >&2; exit 1; }
port=$(sed -n 's#^qslocal is serving QingStor at http://127.0.0.1:\([0-9]*\).*#\1#p' "$work/serve.out")
export QINGSTOR_HOST=127.0.0.1 QINGSTOR_PORT=$port QINGSTOR_PROTOCOL=http

echo "writing a ${size_mib} MiB random file..."
head -c "$((size_mib << 20))" /dev/urandom >"$work/src.bin"
bytes=$(stat -c %s "$work/src.bin")
"$qs" mb -q qs://bench-bucket

# measure NAME CMD...: runs CMD under /usr/bin/time -v, records seconds and peak RSS.
declare -A secs rss
measure() {
	local name=$1
	shift
	/usr/bin/time -v -o "$work/time.$name" "$@" >/dev/null
	local wall
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.$name")
	secs[$name]=$(awk -v t="$wall" 'BEGIN { n = split(t, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }')
	rss[$name]=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.$name")
}

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
