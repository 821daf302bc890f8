#!/usr/bin/env bash
# Benchmark `folio build` on synthetic (or real) post archives.
#
#   scripts/bench-build.sh [-corpus DIR] [SIZES...]     (default sizes: 10000 100000)
#
# For each size N, posts are generated once into $TMPDIR/folio-bench/posts-N
# (reused while its .complete marker matches N and $SEED, default 1), then
# bin/folio build runs under scripts/measure. With -corpus DIR, that posts
# folder is benchmarked instead and no posts are generated.
# Build output is kept in $TMPDIR/folio-bench/{out,report,build}-N*.
set -euo pipefail

usage() {
	sed -n '2,10s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit "${1:-2}"
}

corpus=""
sizes=()
while (($#)); do
	case "$1" in
	-corpus | --corpus)
		(($# >= 2)) || usage
		corpus=$2
		shift 2
		;;
	-h | -help | --help) usage 0 ;;
	-*) usage ;;
	*)
		[[ $1 =~ ^[1-9][0-9]*$ ]] || usage
		sizes+=("$1")
		shift
		;;
	esac
done
((${#sizes[@]})) || sizes=(10000 100000)
seed=${SEED:-1}

if [[ -n $corpus ]]; then
	[[ -d $corpus ]] || { echo "bench-build: no such folder: $corpus" >&2; exit 1; }
	corpus=$(cd "$corpus" && pwd) # before we change directory
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
work=${TMPDIR:-/tmp}/folio-bench
mkdir -p "$work"

if [[ ! -x bin/folio ]]; then
	echo "bench-build: building bin/folio" >&2
	go build -o bin/folio ./build
fi

# Precompile helpers so compile time is not part of any measurement.
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
go build -o "$tools/measure" ./scripts/measure
[[ -n $corpus ]] || go build -o "$tools/genposts" ./scripts/genposts

# bench LABEL POSTS_DIR POST_COUNT: run one build and print a table row.
bench() {
	local label=$1 posts=$2 count=$3
	local out=$work/out-$label report=$work/report-$label.json log=$work/build-$label.log
	rm -rf "$out" "$report"
	if ! "$tools/measure" -- bin/folio build -posts "$posts" -out "$out" -report "$report" >"$log" 2>&1; then
		echo "bench-build: build failed for $label; last lines of $log:" >&2
		tail -n 20 "$log" >&2
		exit 1
	fi
	local line wall rss bytes plain
	line=$(tail -n 1 "$log")
	[[ $line =~ ^wall=([0-9.]+)s\ peak_rss=([0-9.]+)MB$ ]] || { echo "bench-build: bad measure line: $line" >&2; exit 1; }
	wall=${BASH_REMATCH[1]} rss=${BASH_REMATCH[2]}
	bytes=$(du -sb "$out" | cut -f1)
	plain=$(du -sb --exclude='*.br' --exclude='*.gz' "$out" | cut -f1)
	printf '%-10s %9s %10s %9.1f %14s %14s\n' "$count" "$wall" \
		"$(awk -v n="$count" -v w="$wall" 'BEGIN { printf "%.0f", (w > 0 ? n / w : 0) }')" \
		"$rss" "$bytes" "$plain"
}

printf '%-10s %9s %10s %9s %14s %14s\n' posts wall_s posts/s rss_MB out_bytes out_no_br_gz

if [[ -n $corpus ]]; then
	count=$(find "$corpus" -type f \( -name '*.md' -o -name '*.markdown' -o -name '*.html' \) | wc -l)
	bench corpus "$corpus" "$count"
	exit 0
fi

for n in "${sizes[@]}"; do
	gen=$work/posts-$n
	marker="n=$n seed=$seed"
	if [[ $(cat "$gen/.complete" 2>/dev/null) != "$marker" ]]; then
		rm -rf "$gen"
		"$tools/genposts" -n "$n" -seed "$seed" -out "$gen"
		echo "$marker" >"$gen/.complete"
	fi
	bench "$n" "$gen/_posts" "$n"
done
