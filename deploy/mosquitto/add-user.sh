#!/usr/bin/env bash
# Adds (or updates) a user of the secure broker: a device id, tugai-gateway, or a ranger.
#   deploy/mosquitto/add-user.sh USER PASSWORD [DIR]     (DIR as given to start.sh; default .tugai/mosquitto)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
USER_NAME="$1"; PASSWORD="$2"; DIR="${3:-$ROOT/.tugai/mosquitto}"
mkdir -p "$DIR"
if [ -f "$DIR/passwd" ]; then
  mosquitto_passwd -b "$DIR/passwd" "$USER_NAME" "$PASSWORD"
else
  mosquitto_passwd -c -b "$DIR/passwd" "$USER_NAME" "$PASSWORD"
fi
# Mosquitto re-reads the password and ACL files on SIGHUP.
if [ -f "$DIR/mosquitto.pid" ] && kill -0 "$(cat "$DIR/mosquitto.pid")" 2>/dev/null; then kill -HUP "$(cat "$DIR/mosquitto.pid")"; fi
echo "user $USER_NAME set in $DIR/passwd" >&2
