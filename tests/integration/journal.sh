#!/bin/sh
# Runs inside `unshare -m`: a private journald on tmpfs, mediad logging to it, then the journal read
# back. Arguments: MEDIAD DB SOCKET. Prints journalctl's JSON lines for mediad's verdicts.
set -eu
mediad=$1 db=$2 sock=$3
for dir in /run/systemd /run/log /var/log/journal; do mkdir -p "$dir" && mount -t tmpfs tmpfs "$dir"; done
env -u LD_PRELOAD /lib/systemd/systemd-journald &
journald=$!
trap 'kill $journald 2>/dev/null' EXIT
i=0; until [ -S /run/systemd/journal/socket ]; do i=$((i+1)); [ $i -gt 200 ] && exit 3; sleep 0.05; done
"$mediad" --db "$db" --socket "$sock" &
daemon=$!
# Observed state: the verdict on the present stick is in the ledger.
i=0; until [ "$(env -u LD_PRELOAD sqlite3 "$db" "select count(*) from device_event where kind='attach'" 2>/dev/null)" = 1 ]; do
    i=$((i+1)); [ $i -gt 400 ] && { kill $daemon; exit 4; }; sleep 0.05
done
kill -TERM $daemon; wait $daemon || true
env -u LD_PRELOAD journalctl --no-pager -o json SYSLOG_IDENTIFIER=mediad MEDIA_VIOLATION=unregistered-medium
