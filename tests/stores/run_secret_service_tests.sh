#!/bin/sh
# Runs tests/stores/secret_service_test.ts against a real, throwaway Secret Service: a private
# D-Bus session bus (dbus-run-session) and a GNOME Keyring daemon unlocked with a dummy password,
# with HOME and the XDG directories in a temporary folder so no real keyring is touched.
# Needs the Debian packages gnome-keyring libsecret-tools dbus-daemon dbus-user-session.
# Extra arguments go to `deno test`.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
deno_bin=${DENO:-deno}
# The tests change HOME; keep using the real module cache.
DENO_DIR=${DENO_DIR:-$("$deno_bin" info --json | sed -n 's/^ *"denoDir": "\(.*\)",\{0,1\}$/\1/p')}
export DENO_DIR

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -m 700 "$tmp/home" "$tmp/runtime"
export HOME="$tmp/home"
export XDG_DATA_HOME="$tmp/home/.local/share"
export XDG_CONFIG_HOME="$tmp/home/.config"
export XDG_CACHE_HOME="$tmp/home/.cache"
export XDG_RUNTIME_DIR="$tmp/runtime"

cd "$root"
# The keyring daemon exits with the session bus when dbus-run-session ends.
dbus-run-session -- sh -c '
  eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  deno_bin=$1
  shift
  "$deno_bin" test -A tests/stores/secret_service_test.ts "$@"
' sh "$deno_bin" "$@"
