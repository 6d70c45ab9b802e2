#!/usr/bin/env bash
# Fails (exit 1) when apps/ is not what scripts/gen-apps.ts generates from a release folder,
# or when two generator runs on the same input differ.
# Usage: scripts/check-generated.sh [RELEASE_DIR]   (default releases/v0.41.11)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ref="${1:-$root/releases/v0.41.11}"
tsx="$root/node_modules/.bin/tsx"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

"$tsx" "$root/scripts/gen-apps.ts" "$ref" --out "$tmp/first" >/dev/null
"$tsx" "$root/scripts/gen-apps.ts" "$ref" --out "$tmp/second" >/dev/null

if ! diff -r "$tmp/first" "$tmp/second"; then
  echo "check-generated: scripts/gen-apps.ts is not deterministic (two runs differ, see above)" >&2
  exit 1
fi
if ! diff -r "$tmp/first" "$root/apps"; then
  echo "check-generated: apps/ is out of date (see above); run: npm run gen:apps" >&2
  exit 1
fi
echo "check-generated: apps/ is up to date"
