#!/usr/bin/env bash
# Fails (exit 1) when apps/ is not what scripts/gen-apps.ts generates from the reference folder,
# or when two generator runs on the same input differ.
# Usage: scripts/check-generated.sh [REF_DIR]   (default ../shared/reference/cozystack)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ref="${1:-$root/../shared/reference/cozystack}"
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
