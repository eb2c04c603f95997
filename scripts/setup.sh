#!/usr/bin/env bash
# Prepares a fresh Debian machine for the demo and the tests: the three engines and nginx from apt (Playwright's own
# browser downloads do not work here), then the npm dependencies from the lockfile.
#   chromium                       Chromium, driven by Playwright over CDP
#   firefox-esr                    Firefox ESR, driven by Playwright over WebDriver BiDi
#   webkit2gtk-driver              WebKitGTK's MiniBrowser and WebKitWebDriver (WebDriver classic)
#   xvfb xauth                     the X display MiniBrowser needs (xvfb-run)
#   locales                        localedef, for WebKit sessions in other languages (e2e/driver/webdriver.ts)
#   nginx                          the second static host of the e2e tests
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(chromium firefox-esr webkit2gtk-driver xvfb xauth locales nginx)
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
