#!/usr/bin/env bash
# Prepares a fresh Debian machine for the demo and the tests: Chromium and nginx from apt (Playwright's own
# browser downloads do not work here), then the npm dependencies from the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(chromium nginx)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing ${missing[*]} with apt-get"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

npm ci --no-audit --no-fund
