#!/bin/sh
# Before `npm test`: the web app's end-to-end tests drive Debian's Chromium (never a browser build
# that a test tool downloads). Installs it from Debian's packages when it is missing and this user
# may; otherwise says so, and those tests skip with a notice.
set -eu
chromium="${RECOUP_CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the end-to-end tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  echo "Installing Debian's chromium for the end-to-end tests…"
  sudo -n apt-get update -qq
  sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "No Chromium at $chromium and no permission to install it (apt-get install -y chromium): the end-to-end tests will be skipped."
fi
