#!/usr/bin/env bash
# Rebuild the vendored front-end files of the web dashboard, once, at development time.
#
#   scripts/build_dashboard.sh
#
# The dashboard (src/orbitwatch/web/static/) is plain HTML, CSS and one script, dashboard.js, that
# needs no build. Its only library is D3 (https://d3js.org, ISC License), pinned with its
# dependencies in frontend/package.json and frontend/package-lock.json (integrity hashes). This
# script installs exactly the locked packages (`npm ci`, no install scripts) into a temporary
# folder, which is deleted at the end, and copies into src/orbitwatch/web/static/vendor/:
#
#   d3.min.js                  the package's own prebuilt UMD bundle (dist/d3.min.js), unchanged
#   THIRD-PARTY-NOTICES.txt    the license of every package that bundle contains
#
# The outputs are committed and shipped as package data, so installing and running orbitwatch,
# and its tests, need neither npm nor a network. Run it again after changing the pinned version
# (`npm install --package-lock-only` in frontend/ updates the lock file).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
vendor="$root/src/orbitwatch/web/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cp "$root/frontend/package.json" "$root/frontend/package-lock.json" "$work/"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

modules="$work/node_modules"
mkdir -p "$vendor"
cp "$modules/d3/dist/d3.min.js" "$vendor/d3.min.js"

# The UMD bundle holds every d3-* module and what they import in the browser: internmap (d3-array),
# delaunator and robust-predicates (d3-delaunay). d3-dsv's command-line tools (commander, iconv-lite,
# rw, safer-buffer) are not in it.
bundled=(d3 $(cd "$modules" && ls -d d3-* | sort) internmap delaunator robust-predicates)
{
    echo "Third-party software in d3.min.js (the prebuilt bundle of the npm package d3)"
    echo "==============================================================================="
    for name in "${bundled[@]}"; do
        version="$(node -p "require('$modules/$name/package.json').version")"
        license="$(node -p "require('$modules/$name/package.json').license")"
        echo
        echo "--- $name $version ($license)"
        echo
        cat "$modules/$name"/LICEN[CS]E*
    done
} > "$vendor/THIRD-PARTY-NOTICES.txt"

echo "wrote $(cd "$root" && ls -l src/orbitwatch/web/static/vendor | tail -n +2)"
