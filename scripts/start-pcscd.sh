#!/bin/sh
# Start the PC/SC service (pcscd) when it is not running, for the card reader at a counter tablet or for the card
# tests on a machine without systemd. The tests start it themselves when run as root (tests/card/pcsc.py); this is
# for running the app, or the tests as a normal user after `sudo scripts/start-pcscd.sh`.
#   scripts/start-pcscd.sh          start pcscd in the background (as root), then list the readers it sees
set -eu
if pgrep -x pcscd >/dev/null 2>&1; then
    echo "pcscd is running."
else
    if [ "$(id -u)" != "0" ]; then
        echo "pcscd is not running; start it as root: sudo $0" >&2
        exit 1
    fi
    command -v pcscd >/dev/null 2>&1 || { echo "pcscd is not installed: sh scripts/install-system-packages.sh" >&2; exit 1; }
    # With systemd, the socket unit starts pcscd on first use; without it (containers, CI), start it here.
    if command -v systemctl >/dev/null 2>&1 && systemctl start pcscd.socket 2>/dev/null; then
        echo "pcscd.socket started (systemd)."
    else
        nohup pcscd --foreground >/var/log/pcscd.log 2>&1 &
        echo "pcscd started (pid $!), log in /var/log/pcscd.log."
        sleep 1
    fi
fi
if [ -x .venv/bin/python ]; then
    .venv/bin/python -c "from kiosk.card.reader import reader_names; print('Readers:', reader_names() or 'none')"
fi
