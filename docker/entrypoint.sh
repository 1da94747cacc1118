#!/bin/sh
# The container's entry point: makes sure the run and state directories
# exist and are writable, then replaces itself with the switch daemon.
#
#   entrypoint.sh                       mswitch start
#   entrypoint.sh --controller tcp:c    mswitch start --controller tcp:c
#   entrypoint.sh show                  mswitch show (any mswitch verb)
#   entrypoint.sh sh                    a program on the PATH runs as given
#
# Design: arguments that start with "-" are flags of `mswitch start`, as
# with the official images of other daemons, so `docker run IMAGE
# --logic openflow` works; a first word that names a program runs it;
# any other first word is an mswitch verb.  `exec`
# keeps the daemon as PID 1's direct replacement so that `docker stop`'s
# SIGTERM reaches it and it removes its sockets and pid file on the way
# out.  A directory it cannot write is reported here, by name, rather than
# as an EACCES deep in the daemon's start.
set -eu

rundir="${MSWITCH_RUNDIR:-/run/mswitch}"
statedir="${MSWITCH_STATEDIR:-/var/lib/mswitch}"
mswitch="${MSWITCH_BIN:-mswitch}"

for dir in "$rundir" "$statedir"; do
  mkdir -p "$dir" 2>/dev/null || true
  if [ ! -d "$dir" ] || [ ! -w "$dir" ]; then
    echo "entrypoint: $dir is not a writable directory for uid $(id -u) gid $(id -g); mount a volume there or run with --user 0:10001" >&2
    exit 1
  fi
done

if [ "$#" -eq 0 ]; then
  set -- start
elif [ "${1#-}" != "$1" ]; then
  set -- start "$@"
elif command -v "$1" >/dev/null 2>&1; then
  exec "$@"
fi
exec "$mswitch" "$@"
