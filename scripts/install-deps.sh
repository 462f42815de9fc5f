#!/usr/bin/env bash
# Installs the Debian packages Wharf builds and tests against, when they are missing.
# Run as root it installs them with apt-get; otherwise it names what is missing and fails.
set -euo pipefail

# C libraries (system-library targets), and the tools the tests drive.
packages=(libncurses-dev zlib1g-dev liblz4-dev libzstd-dev libsnappy-dev libisal-dev
          python3-venv tmux man-db kcat)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "wharf: missing Debian packages: ${missing[*]}" >&2
    echo "wharf: install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
echo "wharf: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
