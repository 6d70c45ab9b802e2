#!/usr/bin/env bash
# Regenerates imports/ with `cdk8s import` from the pinned CRDs of a release folder (written by
# scripts/snapshot-upstream.ts): the Flux CRDs the project uses (split from the Flux manifest
# Cozystack embeds) and the cozystack.io Package/PackageSource CRDs.
# CRDs of one API group are concatenated first: cdk8s import writes one file per group,
# so importing them one by one would overwrite each other.
# Usage: scripts/import-crds.sh [RELEASE_DIR]   (default releases/v1.6.2)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rel=$(cd "${1:-$here/releases/v1.6.2}" && pwd)
flux="$rel/crds/flux"
cozy="$rel/upstream/internal/crdinstall/manifests"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out="$here/imports"
rm -rf "$out" && mkdir -p "$out"

group() { # group-name files...
  local name=$1; shift
  local f
  for f in "$@"; do echo '---'; cat "$f"; done > "$tmp/$name.yaml"
  (cd "$tmp" && "$here/node_modules/.bin/cdk8s" import "./$name.yaml" -l typescript -o "$out" --no-check-upgrade --no-save >/dev/null)
}
# The Flux kinds the output uses (the release folder has every Flux CRD; the others are not imported).
group source.toolkit.fluxcd.io "$flux"/source.toolkit.fluxcd.io_{externalartifacts,gitrepositories,helmcharts,helmrepositories,ocirepositories}.yaml
group source.extensions.fluxcd.io "$flux"/source.extensions.fluxcd.io_artifactgenerators.yaml
group helm.toolkit.fluxcd.io "$flux"/helm.toolkit.fluxcd.io_helmreleases.yaml
group kustomize.toolkit.fluxcd.io "$flux"/kustomize.toolkit.fluxcd.io_kustomizations.yaml
group cozystack.io "$cozy"/cozystack.io_*.yaml

"$here/node_modules/.bin/tsx" "$here/scripts/gen-crd-manifests.ts" "$cozy" "$out/cozystack-crds.ts"
