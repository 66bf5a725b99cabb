#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests when it is missing.
# The browser tests skip with a clear message only when no browser can be had.
set -u
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian chromium for the browser tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null \
    && { echo "chromium installed: $(chromium --version 2>/dev/null)"; exit 0; }
  echo "warning: apt-get could not install chromium; browser tests will be skipped" >&2
else
  echo "warning: chromium not found and cannot be installed here (need root and apt-get);" \
       "browser tests will be skipped. Install it with: sudo apt-get install chromium" >&2
fi
exit 0
