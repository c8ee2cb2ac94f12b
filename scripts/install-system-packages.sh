#!/bin/sh
# Install the Debian packages the app and its tests need. As root it installs what is missing;
# otherwise it prints the one command to run.
set -eu
# pcscd, vsmartcard-vpcd: the card reader service and the virtual reader the card tests use; libpcsclite-dev, swig:
# to build pyscard where no wheel fits.
# Fonts, so that every language's script is drawn without tofu: fonts-ipaexfont-gothic (Japanese), fonts-noto-cjk
# (Noto Sans CJK SC/KR/JP: Simplified Chinese, Korean, each with its own glyph shapes), fonts-noto-core (Noto Sans
# Devanagari for Nepali, Noto Sans with the Vietnamese diacritics, Latin for Filipino, Indonesian, Portuguese).
PACKAGES="python3-venv espeak-ng chromium fonts-ipaexfont-gothic fonts-noto-cjk fonts-noto-core poppler-utils wrk pcscd vsmartcard-vpcd libpcsclite-dev swig"
missing=""
for package in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done
# python3-venv is only needed when the interpreter lacks a working venv module (pyenv builds have one).
if python3 -c "import venv, ensurepip" 2>/dev/null; then
    missing=$(echo "$missing" | sed 's/python3-venv//')
fi
missing=$(echo "$missing" | xargs)
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ]; then
    echo "Installing Debian packages: $missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
    echo "These Debian packages are needed. Run:"
    echo "  sudo apt-get install -y $missing"
    exit 1
fi
