#!/bin/sh
# Runs a Folio Worker (written by folio worker; make worker writes the demo's into
# dist/worker) locally under wrangler dev, fully offline: no login, no telemetry, no update
# check, no request.cf download.
#
#   scripts/edge/dev.sh [WORKER_DIR]      # default dist/worker; PORT=8787 by default
#
# Wrangler keeps its logs in a scratch HOME (removed on exit) and its state in
# WORKER_DIR/.wrangler/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-$here/../../dist/worker}
port=${PORT:-8787}
if [ ! -f "$dir/wrangler.jsonc" ]; then
	echo "dev.sh: no worker in $dir: run make worker first" >&2
	exit 1
fi
if [ ! -f "$here/node_modules/wrangler/bin/wrangler.js" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
	(cd "$here" && npm ci --no-audit --no-fund)
fi
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT INT TERM
cd "$dir"
HOME=$home XDG_CONFIG_HOME=$home/.config WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false WRANGLER_HIDE_BANNER=true \
	node "$here/node_modules/wrangler/bin/wrangler.js" dev --ip 127.0.0.1 --port "$port" --show-interactive-dev-session=false
