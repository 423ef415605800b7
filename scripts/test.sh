#!/usr/bin/env bash
# Installs everything the tests need, then runs every test (and the linters).
# Browser tests drive Debian's Chromium; it is installed here when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's chromium for the browser tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is missing: install Debian's chromium package (apt-get install chromium)" >&2
    exit 1
  fi
fi

# The mail tests run Debian's Dovecot and nginx's mail proxy.
if [ ! -x /usr/sbin/dovecot ] || [ ! -e /usr/lib/nginx/modules/ngx_mail_module.so ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's dovecot-imapd and nginx (mail module) for the mail tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd nginx-light \
      libnginx-mod-mail >/dev/null
  else
    echo "dovecot/nginx are missing: apt-get install dovecot-imapd nginx-light libnginx-mod-mail" >&2
    exit 1
  fi
fi

python3 -m pip install -q --disable-pip-version-check -e '.[test]'
python3 -m ruff check src tests bench
python3 -m mypy
lint-imports
python3 -m pytest -q -p no:cacheprovider "$@"
