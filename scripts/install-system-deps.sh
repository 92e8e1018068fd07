#!/usr/bin/env bash
# Installs the Debian packages cuomin's tests use, if they are missing. Idempotent.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui)
# LibreOffice's UNO bridge for the system Python: the kept-running conversion server (scanner/extract/office_server.py)
/usr/bin/python3 -c "import uno" >/dev/null 2>&1 || need+=(python3-uno)
fc-list 2>/dev/null | grep -qi "noto sans cjk" || need+=(fonts-noto-cjk)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
# the HTTPS test of the re-scan path makes its certificate with openssl
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# libime installs zh_CN.lm under /usr/lib/<multiarch>/libime/ (the typo detector looks there too)
[ -n "$(ls /usr/lib/*/libime/zh_CN.lm /usr/share/libime/zh_CN.lm 2>/dev/null)" ] || need+=(libime-data-language-model)
# the kenlm Python package (typo LM scoring) builds from source: a C++ compiler and zlib headers
command -v g++ >/dev/null 2>&1 || need+=(g++)
[ -f /usr/include/zlib.h ] || need+=(zlib1g-dev)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "missing system packages: ${need[*]} (run as root or: sudo apt-get install ${need[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
