#!/usr/bin/env bash
# Makes sure Debian's nginx and its brotli_static module are installed for the test of the
# nginx snippet folio build writes (-host nginx); installs them when missing (as root, or
# with sudo). Prints the path of nginx.
set -euo pipefail
nginx=${FOLIO_NGINX:-/usr/sbin/nginx}
module=/usr/lib/nginx/modules/ngx_http_brotli_static_module.so
if [[ -x $nginx && -f $module ]]; then
	echo "$nginx"
	exit 0
fi
echo "ensure-nginx: nginx or its brotli_static module not found; installing Debian's nginx and libnginx-mod-http-brotli-static…" >&2
sudo=""
if [[ $(id -u) -ne 0 ]]; then
	if command -v sudo >/dev/null; then sudo="sudo"; else
		echo "ensure-nginx: not root and no sudo: install them with 'apt-get install nginx libnginx-mod-http-brotli-static'" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
pkgs=(nginx libnginx-mod-http-brotli-static)
if ! $sudo apt-get install -y --no-install-recommends "${pkgs[@]}" >&2; then
	$sudo apt-get update >&2 && $sudo apt-get install -y --no-install-recommends "${pkgs[@]}" >&2 || {
		echo "ensure-nginx: could not install ${pkgs[*]} with apt-get; install them by hand" >&2
		exit 1
	}
fi
# The package starts a server on port 80 where it can; the test runs its own.
$sudo service nginx stop >/dev/null 2>&1 || true
echo /usr/sbin/nginx
