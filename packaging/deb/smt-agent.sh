#!/bin/sh
# The agent is one self-contained JavaScript file (no node_modules) run by Node from the nodejs package.
# Found from this script's own place, so an unpacked copy of the package runs its own agent.
exec /usr/bin/node "$(dirname "$(readlink -f "$0")")/../lib/smt-agent/smt-agent.mjs" "$@"
