#!/bin/sh
# Copies what the services need at run time out of a built checkout into DEST: the root
# package.json, the production node_modules (npm ci --omit=dev, workspace links included), and
# for each workspace its package.json plus bin/, dist/ (compiled tests left out), proto/ and
# python/. Used by the images' build stage (infra/docker/*.Dockerfile); runnable on a checkout:
#   npm ci && npx tsc -b && npm ci --omit=dev --ignore-scripts && sh infra/docker/collect-runtime.sh /tmp/rt
set -eu
dest=${1:?usage: collect-runtime.sh DEST}
mkdir -p "$dest"
cp -a package.json node_modules "$dest/"
for ws in packages/* apps/*; do
  [ -f "$ws/package.json" ] || continue
  mkdir -p "$dest/$ws"
  cp -a "$ws/package.json" "$dest/$ws/"
  for part in bin dist proto python; do
    if [ -e "$ws/$part" ]; then cp -a "$ws/$part" "$dest/$ws/"; fi
  done
done
# Compiled unit tests, source maps' build info and Python caches are not run-time files.
find "$dest/packages" "$dest/apps" \( -name '*.test.js' -o -name '*.test.js.map' -o -name '*.test.d.ts' \
  -o -name '*.test.d.ts.map' -o -name '*.tsbuildinfo' -o -name '__pycache__' \) -prune -exec rm -rf {} +
# Workspace links to packages that are not shipped (tests, bench) would dangle.
for link in "$dest"/node_modules/@rstar-fleet/*; do
  [ -e "$link" ] || rm -f "$link"
done
