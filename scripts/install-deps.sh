#!/usr/bin/env bash
# Installs the Debian packages doppel builds with (Debian bookworm).
set -euo pipefail
PACKAGES=(
  build-essential cmake pkg-config
  libsimdjson-dev libutf8proc-dev libxxhash-dev libzstd-dev zlib1g-dev
  libtbb-dev libjemalloc-dev libcli11-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev
  python3 zstd gzip
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing: ${missing[*]}" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
