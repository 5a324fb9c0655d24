# bench/lib.sh: shared steps of the bench/ scripts (sourced, not run).
#
# bench_setup NAMES...  checks that go, curl and /usr/bin/time exist, builds
#                       qs into $work/qs (and each NAME, a bench/NAME command,
#                       into $work/NAME), starts "qs serve" on a free loopback
#                       port with fresh keys and exports the QINGSTOR_*
#                       variables; everything under $work goes on exit.
# make_source MIB       writes MIB MiB of random bytes to $work/src.bin and
#                       sets $bytes.
# measure NAME CMD...   runs CMD under /usr/bin/time -v and sets secs[NAME]
#                       (wall), cpu[NAME] (user + system seconds) and
#                       rss[NAME] (peak RSS, KiB).

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
declare -A secs cpu rss

bench_setup() {
	local missing=()
	command -v go >/dev/null || missing+=(go)
	command -v curl >/dev/null || missing+=(curl)
	[ -x /usr/bin/time ] || missing+=(/usr/bin/time)
	if [ ${#missing[@]} -gt 0 ]; then
		echo "bench: missing ${missing[*]}; install them first (Debian/Ubuntu: apt-get install -y curl time)" >&2
		exit 1
	fi
	work=$(mktemp -d "${TMPDIR:-/tmp}/qs-bench.XXXXXX")
	server_pid=
	trap bench_cleanup EXIT
	echo "building qs $*..."
	(cd "$bench_root" && go build -o "$work/qs" ./cmd/qs)
	local n
	for n in "$@"; do (cd "$bench_root" && go build -o "$work/$n" "./bench/$n"); done
	qs="$work/qs"
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
	local port
	port=$(sed -n 's#^qslocal is serving QingStor at http://127.0.0.1:\([0-9]*\).*#\1#p' "$work/serve.out")
	export QINGSTOR_HOST=127.0.0.1 QINGSTOR_PORT=$port QINGSTOR_PROTOCOL=http
}

bench_cleanup() {
	if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}

make_source() {
	echo "writing a $1 MiB random file..."
	head -c "$(($1 << 20))" /dev/urandom >"$work/src.bin"
	bytes=$(stat -c %s "$work/src.bin")
}

measure() {
	local name=$1
	shift
	/usr/bin/time -v -o "$work/time.$name" "$@" >/dev/null
	local wall
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.$name")
	secs[$name]=$(awk -v t="$wall" 'BEGIN { n = split(t, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }')
	cpu[$name]=$(awk '/User time \(seconds\)|System time \(seconds\)/ { s += $NF } END { print s }' "$work/time.$name")
	rss[$name]=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.$name")
}
