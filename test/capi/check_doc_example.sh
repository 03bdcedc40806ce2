#!/usr/bin/env bash
# Builds and runs the example program of docs/c-api.md as the document shows it: installs the
# build into a temporary prefix, runs the document's build-and-run commands verbatim (cc with
# pkg-config), and compares the program's output with the output block of the document.
# usage: check_doc_example.sh SOURCE_DIR BUILD_DIR [CMAKE]
set -euo pipefail
source_dir=$1
build_dir=$2
cmake=${3:-cmake}
doc=$source_dir/docs/c-api.md
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The fenced block after the line "<!-- doc-test: NAME -->", fences left out.
block() {
  awk -v marker="<!-- doc-test: $1 -->" '
    $0 == marker { armed = 1; next }
    armed && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }' "$doc"
}

for name in app.c commands output; do
  block "$name" > "$work/$name"
  if [[ ! -s $work/$name ]]; then
    echo "docs/c-api.md: no block after <!-- doc-test: $name -->" >&2
    exit 1
  fi
done

"$cmake" --install "$build_dir" --prefix "$work/prefix" > "$work/install.log"
cd "$work"
# The commands block expects PREFIX, the install prefix.
PREFIX=$work/prefix bash -euo pipefail commands > actual
if ! diff -u output actual; then
  echo "the example's output differs from docs/c-api.md (- document, + program)" >&2
  exit 1
fi
echo "docs/c-api.md example: built with pkg-config and ran; output matches"
