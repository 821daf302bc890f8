#!/usr/bin/env bash
# Full-text search in headless Chromium on gencorpus archives of N posts (default 1000,
# 10000 and 100000; arguments override). Each corpus is generated once (seed 1) into
# $TMPDIR/folio-bench/gencorpus-N, built with bin/folio into .../site-gc-N, and measured by
# scripts/benchsearch with shared/bench/peers/queries.json plus the corpus's needles:
# cold and warm query times (warm first runs beside their fetch floor), bytes per cold
# query, renderer memory, a fully cold first search. The peers' figures
# (shared/research/peers.md) follow for comparison. With Node.js (npm) present, each site is
# also written as a Cloudflare Worker (bin/folio worker) and run under wrangler dev
# (scripts/edge, offline) for the warm first runs through the edge, where a new search is
# one request to /api/search; EDGE=0 leaves that out.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared
if [[ ! -d $shared/tools/gencorpus || ! -f $shared/bench/peers/queries.json ]]; then
	echo "bench-search: needs ../shared (tools/gencorpus, bench/peers/queries.json) beside this checkout" >&2
	exit 1
fi
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1000 10000 100000)
work=${TMPDIR:-/tmp}/folio-bench
mkdir -p "$work"
make -s folio # rebuild when the sources (or the embedded site and wasm) changed
chromium=$(scripts/ensure-chromium.sh)
go build -o "$work/benchsearch" ./scripts/benchsearch

for n in "${sizes[@]}"; do
	corpus=$work/gencorpus-$n
	site=$work/site-gc-$n
	if [[ ! -f $corpus/.complete ]] || [[ $(cat "$corpus/.complete") != "n=$n seed=1" ]]; then
		rm -rf "$corpus"
		go -C "$shared/tools/gencorpus" run . -n "$n" -out "$corpus" -seed 1
		echo "n=$n seed=1" >"$corpus/.complete"
	fi
	echo "== gencorpus $n posts"
	rm -rf "$site"
	start=$(date +%s.%N)
	bin/folio build -posts "$corpus/_posts" -out "$site" -quiet >"$work/build-gc-$n.log" 2>&1 ||
		{ cat "$work/build-gc-$n.log" >&2; exit 1; }
	end=$(date +%s.%N)
	printf 'build: %.1f s; search data (data/s): %s bytes\n' "$(echo "$end - $start" | bc)" "$(du -sb "$site/data/s" | cut -f1)"
	"$work/benchsearch" -site "$site" -queries "$shared/bench/peers/queries.json" -needles "$corpus/needles.json" -posts "$corpus/_posts" \
		-label "gencorpus-$n" -chromium "$chromium"
	if [[ ${EDGE:-1} != 0 ]] && command -v npm >/dev/null; then
		rm -rf "$work/worker-gc-$n"
		bin/folio worker -site "$site" -out "$work/worker-gc-$n" >/dev/null
		"$work/benchsearch" -edge "$work/worker-gc-$n" -queries "$shared/bench/peers/queries.json" -needles "$corpus/needles.json" \
			-label "gencorpus-$n" -chromium "$chromium"
	fi
done

echo
echo "== peers (from shared/research/peers.md)"
awk '/^\| posts \| peer \|/ {t=1} t && /^\|/ {print; next} t {exit}' "$shared/research/peers.md"
