#!/usr/bin/env bash
# bench/engine-1gib.sh: the transfer engine of services/qingstor and "qs cp"
# against a local "qs serve", each transfer a process of its own timed by
# /usr/bin/time, beside its baseline doing the same transfer to the same
# server. Every round runs all transfers (uploads, then downloads) in an
# order that rotates from round to round, so machine load hits all alike;
# the ratios printed are medians over rounds of the per-round ratios.
#
#   write        Storager.Write of the open 1 GiB file (default settings)
#   write-verify the same with verify_content (part Content-MD5, MD5 ETag)
#   put          baseline: one streaming qsapi PutObject of the open file
#   qs_up        qs cp FILE qs://...        baseline: curl_up (presigned PUT)
#   read         Storager.Read into a file  baseline: get (one qsapi GetObject)
#   qs_down      qs cp qs://... FILE        baseline: curl_down (presigned GET)
#
# Before each transfer the script waits for the disk (sync; sleep 1), so a
# transfer does not pay for the writeback of the previous one.
# Throughput ratios are baseline time / time (>= 1.0: as fast or faster);
# CPU ratios are CPU / baseline CPU (client process only: the server runs
# apart); peak RSS is the client's. Bars (issue of the engine): write >= 1.0x
# put throughput, <= 1.5x its CPU, <= 32 MiB RSS; write-verify >= 0.8x put;
# qs cp up and down >= 1.0x curl. Downloads are compared with the source.
#
# Usage: bench/engine-1gib.sh [SIZE_MIB] (default 1024)
# Env:   ROUNDS (default 5); PART_SIZE (bytes) for the Storager modes
#        (default: the storage's); UPLOADS and DOWNLOADS, the transfers to
#        run (default: all of them)
# Needs: go, curl, /usr/bin/time; about 10 x SIZE_MIB of free space under $TMPDIR.
set -euo pipefail

size_mib=${1:-1024}
rounds=${ROUNDS:-5}
part_size=${PART_SIZE:-0}
uploads=${UPLOADS-put write write-verify qs_up curl_up}
downloads=${DOWNLOADS-get read qs_down curl_down}

. "$(dirname "$0")/lib.sh"
bench_setup xfer
make_source "$size_mib"
"$qs" mb -q qs://bench-bucket
x="$work/xfer"
b=bench-bucket
put_url=$("$qs" presign --method PUT --expire 2h qs://$b/curl.bin 2>/dev/null)
get_url=$("$qs" presign --expire 2h qs://$b/base.bin)

run() { # run MODE: one transfer, started once the disk has settled
	sync
	sleep 1
	case $1 in
	put | write | write-verify) measure "$1" "$x" -mode "$1" -part-size "$part_size" -bucket $b -key "$1.bin" -file "$work/src.bin" ;;
	qs_up) measure qs_up "$qs" cp -q "$work/src.bin" qs://$b/qs_up.bin ;;
	curl_up) measure curl_up curl -sS -f -T "$work/src.bin" "$put_url" ;;
	get | read) measure "$1" "$x" -mode "$1" -part-size "$part_size" -bucket $b -key base.bin -file "$work/$1.out" ;;
	qs_down) rm -f "$work/qs_down.out"; measure qs_down "$qs" cp -q qs://$b/base.bin "$work/qs_down.out" ;;
	curl_down) measure curl_down curl -sS -f -o "$work/curl_down.out" "$get_url" ;;
	esac
	echo "$round $1 ${secs[$1]} ${cpu[$1]} ${rss[$1]}" >>"$work/results"
}

# rotate N WORDS...: the words starting at the N-th (mod count), wrapping.
rotate() {
	local n=$1
	shift
	local a=("$@") i
	for ((i = 0; i < ${#a[@]}; i++)); do echo "${a[$(((i + n) % ${#a[@]}))]}"; done
}

"$x" -mode put -bucket $b -key base.bin -file "$work/src.bin"
: >"$work/results"
for ((round = 1; round <= rounds; round++)); do
	echo "round $round of $rounds..."
	# shellcheck disable=SC2086 # word lists
	for m in $(rotate "$round" $uploads) $(rotate "$round" $downloads); do
		run "$m"
	done
done
for f in $downloads; do cmp "$work/src.bin" "$work/$f.out"; done

echo
echo "$(date -u +%Y-%m-%d) $(uname -sm), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $size_mib MiB, $rounds rounds"
awk -v bytes="$bytes" '
	{ wall[$1, $2] = $3; cpu[$1, $2] = $4; rss[$1, $2] = $5; modes[$2] = 1; if ($1 > n) n = $1 }
	function median(a, k,    i, j, t) { # sorts a[1..k], returns its median
		for (i = 2; i <= k; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
		return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
	}
	function stat(m, what,    r, v) { for (r = 1; r <= n; r++) v[r] = (what == "wall" ? wall[r, m] : what == "cpu" ? cpu[r, m] : rss[r, m]); return median(v, n) }
	function tput(m, base,    r, v) { for (r = 1; r <= n; r++) v[r] = wall[r, base] / wall[r, m]; return median(v, n) }
	function cpur(m, base,    r, v) { for (r = 1; r <= n; r++) v[r] = cpu[r, m] / cpu[r, base]; return median(v, n) }
	function line(m, base, bar,    r, l) {
		if (!((1, m) in wall) || !((1, base) in wall)) return
		l = ""
		for (r = 1; r <= n; r++) l = l sprintf(" %.2f", wall[r, base] / wall[r, m])
		printf "%-13s rounds:%s\n", m, l
		printf "%-13s %8.1f %8.2f %9.1f   vs %-9s throughput %5.2fx  CPU %5.2fx  %s\n", m, bytes / 1048576 / stat(m, "wall"),
			stat(m, "cpu"), stat(m, "rss") / 1024, base, tput(m, base), cpur(m, base), bar
	}
	END {
		printf "%-13s %8s %8s %9s\n", "transfer", "MiB/s", "CPU s", "RSS MiB"
		for (m in modes) if (m == "put" || m == "get" || m == "curl_up" || m == "curl_down")
			printf "%-13s %8.1f %8.2f %9.1f   (baseline)\n", m, bytes / 1048576 / stat(m, "wall"), stat(m, "cpu"), stat(m, "rss") / 1024
		line("write", "put", "bars: throughput >= 1.0x, CPU <= 1.5x, RSS <= 32 MiB")
		line("write-verify", "put", "bar: throughput >= 0.8x")
		line("read", "get", "")
		line("qs_up", "curl_up", "bar: throughput >= 1.0x")
		line("qs_down", "curl_down", "bar: throughput >= 1.0x")
	}' "$work/results"
