#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser tests; installs it when
# missing (as root, or with sudo). Prints the path of the browser.
set -euo pipefail
for c in "${FOLIO_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
	if [[ -n $c && -x $c ]]; then
		echo "$c"
		exit 0
	fi
done
echo "ensure-chromium: Chromium not found; installing Debian's chromium package…" >&2
sudo=""
if [[ $(id -u) -ne 0 ]]; then
	if command -v sudo >/dev/null; then sudo="sudo"; else
		echo "ensure-chromium: not root and no sudo: install it with 'apt-get install chromium' (or set FOLIO_CHROMIUM to a Chromium binary)" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y --no-install-recommends chromium >&2; then
	$sudo apt-get update >&2 && $sudo apt-get install -y --no-install-recommends chromium >&2 || {
		echo "ensure-chromium: could not install chromium with apt-get; install it by hand or set FOLIO_CHROMIUM" >&2
		exit 1
	}
fi
echo /usr/bin/chromium
