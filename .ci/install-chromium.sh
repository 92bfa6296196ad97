#!/bin/sh
# Installs Debian's Chromium for the dashboard's browser tests (test/browser/), when it is missing.
# playwright-core drives it through executablePath /usr/bin/chromium (Playwright's own browser
# download is not used).
set -eu
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then SUDO=''; else SUDO='sudo'; fi
$SUDO apt-get update
$SUDO apt-get install -y chromium
