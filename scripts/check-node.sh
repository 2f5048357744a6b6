#!/usr/bin/env bash
# Says clearly when this machine's Node is missing or older than package.json's engines (>= 20.19):
# npm would only warn, and the test runner would then fail with an unrelated-looking error.
set -euo pipefail
readonly WANT_MAJOR=20 WANT_MINOR=19
if ! command -v node >/dev/null 2>&1; then
  echo "Corral needs Node.js >= ${WANT_MAJOR}.${WANT_MINOR} (none found on PATH); install it from https://nodejs.org or your distribution's backports." >&2
  exit 1
fi
version=$(node -p 'process.versions.node')
IFS=. read -r major minor _ <<<"$version"
if ((major < WANT_MAJOR || (major == WANT_MAJOR && minor < WANT_MINOR))); then
  echo "Corral needs Node.js >= ${WANT_MAJOR}.${WANT_MINOR}; this machine has ${version} ($(command -v node)). Debian bookworm's own nodejs is 18: install a newer Node first." >&2
  exit 1
fi
