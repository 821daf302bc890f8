#!/usr/bin/env bash
# Viewer start-up in headless Chromium, for the demo archive and a synthetic archive of
# N posts (default 100000; posts are generated once into $TMPDIR/folio-bench, shared with
# bench-build.sh). Prints first contentful paint, the time until the newest posts are on
# screen and clickable, the time and bytes to open a post, on loopback and on a shaped
# 9 Mbit/s, 40 ms link (see scripts/benchviewer).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
work=${TMPDIR:-/tmp}/folio-bench
mkdir -p "$work"
make -s folio # rebuild when the sources (or the embedded site and wasm) changed
chromium=$(scripts/ensure-chromium.sh)
go build -o "$work/benchviewer" ./scripts/benchviewer
go build -o "$work/genposts" ./scripts/genposts

echo "== demo archive"
bin/folio build -posts demo/_posts -out "$work/site-demo" -quiet >/dev/null 2>&1
"$work/benchviewer" -site "$work/site-demo" -chromium "$chromium"

posts=$work/posts-$n
if [[ ! -f $posts/.complete ]] || [[ $(cat "$posts/.complete") != "n=$n seed=1" ]]; then
	rm -rf "$posts"
	"$work/genposts" -n "$n" -out "$posts" -seed 1
	echo "n=$n seed=1" >"$posts/.complete"
fi
echo "== $n synthetic posts"
bin/folio build -posts "$posts/_posts" -out "$work/site-$n" -quiet >/dev/null 2>&1
"$work/benchviewer" -site "$work/site-$n" -chromium "$chromium"
