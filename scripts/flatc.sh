#!/usr/bin/env bash
# Regenerates src/generated/ from schema/*.fbs with Debian's flatc (package
# flatbuffers-compiler, 2.0.8 here). One flat file per schema, importing only the
# `flatbuffers` runtime. With --check, fails when the committed code differs.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v flatc >/dev/null || { echo "flatc not found: apt-get install flatbuffers-compiler" >&2; exit 1; }
generate() { flatc --ts --ts-flat-files -o "$1" schema/*.fbs; }
out=src/generated
if [ "${1:-}" = "--check" ]; then
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  generate "$tmp"
  diff -r "$tmp" "$out" && echo "src/generated is up to date with schema/"
  exit
fi
rm -rf "$out"; mkdir -p "$out"
generate "$out"
