#!/usr/bin/env bash
# Regenerates imports/ from the pinned CRDs in the reference folder with `cdk8s import`.
# CRDs of one API group are concatenated first: cdk8s import writes one file per group,
# so importing them one by one would overwrite each other.
# Usage: scripts/import-crds.sh [REFERENCE_DIR]   (default ../shared/reference)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
ref=$(cd "${1:-$here/../shared/reference}" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out="$here/imports"
rm -rf "$out" && mkdir -p "$out"

group() { # group-name files...
  local name=$1; shift
  cat "$@" > "$tmp/$name.yaml"
  (cd "$tmp" && "$here/node_modules/.bin/cdk8s" import "./$name.yaml" -l typescript -o "$out" --no-check-upgrade --no-save >/dev/null)
}
group source.toolkit.fluxcd.io "$ref"/crds/flux/source.toolkit.fluxcd.io_*.yaml
group source.extensions.fluxcd.io "$ref"/crds/flux/source.extensions.fluxcd.io_*.yaml
group helm.toolkit.fluxcd.io "$ref"/crds/flux/helm.toolkit.fluxcd.io_*.yaml
group kustomize.toolkit.fluxcd.io "$ref"/crds/flux/kustomize.toolkit.fluxcd.io_*.yaml
group cozystack.io "$ref"/cozystack/crds/cozystack.io_*.yaml

"$here/node_modules/.bin/tsx" "$here/scripts/gen-crd-manifests.ts" "$ref/cozystack/crds" "$out/cozystack-crds.ts"
