#!/usr/bin/env bash
# Installs the system peers the test suite talks to (real implementations, no mocks):
# gorilla/websocket (Go, GOPATH mode), python websockets, headless Chromium, an HTTP proxy,
# a SOCKS5 proxy and openssl for test certificates. Idempotent; needs root and Debian's apt.
set -euo pipefail
pkgs=(golang-go golang-github-gorilla-websocket-dev python3-websockets chromium tinyproxy microsocks openssl ca-certificates)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "peers: ${pkgs[*]} installed"
