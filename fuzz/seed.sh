#!/usr/bin/env bash
# Seeds the fuzz corpora from the project's own fixtures (fixtures/**, synthetic and ours).
#
#   fuzz/seed.sh [--out DIR] [--extra DIR]... [TARGET...]
#
# tokenize, parse_835 and parse_837 take one flag byte before the X12 bytes (see each target's
# doc comment); their seeds get flag 0x00 (plain: read the file as is). tokenize also gets flag
# 0x23 (padded past the reader's 64 KiB look-ahead, 4 bytes per read); parse_835 also gets "body"
# seeds: flag 0x01 and the segments after ST*835, which the target puts behind a valid header.
# roundtrip_837, report and correct read the file itself: their seeds are the fixtures
# unchanged (correct also gets each 835 fixture followed by each 837 fixture: it reads one input
# as both). Every fixture is also seeded wrapped in 80-byte lines (the layout the reader unwraps).
#
# Corpora go to fuzz/corpus/<target>/ (gitignored), or to DIR/<target>/ with --out. --extra adds
# every file of another folder as a seed (e.g. ../shared/fixtures/external), but only when --out is
# outside this repository: files that are not ours never go into the repo tree.
# With no TARGET, seeds every target in fuzz/fuzz_targets/. Existing corpus files are kept.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
fixtures="$repo/fixtures"
out="$here/corpus"
extra=()
targets=()

while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --extra) extra+=("$2"); shift 2 ;;
    -h|--help) sed -n "2,15p" "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$here"/fuzz_targets/*.rs; do targets+=("$(basename "$f" .rs)"); done
fi
mkdir -p "$out"
out="$(cd "$out" && pwd)"
if [ ${#extra[@]} -gt 0 ]; then
  case "$out/" in
    "$repo"/*) echo "seed.sh: --extra needs --out outside the repository ($repo)" >&2; exit 2 ;;
  esac
fi

# seed DIR NAME FLAG FILE: writes FLAG (two hex digits; "raw" for none) then FILE's bytes.
seed() {
  if [ "$3" = raw ]; then
    cp "$4" "$1/$2"
  else
    { printf "\\x$3"; cat "$4"; } > "$1/$2"
  fi
}

# The flag bytes each target's seeds get.
flags() {
  case "$1" in
    tokenize) echo 00 23 ;;
    roundtrip_837|report|correct) echo raw ;;
    *) echo 00 ;;
  esac
}

# The fixture folders each target reads (default: all of them).
fixture_dirs() {
  case "$1" in
    parse_835) echo 835 invalid ;;
    parse_837|roundtrip_837) echo 837p 837i 837d invalid ;;
    correct) echo correct 835 837p 837i 837d ;;
    *) echo 835 837p 837i 837d invalid ;;
  esac
}

for t in "${targets[@]}"; do
  dir="$out/$t"
  mkdir -p "$dir"
  for sub in $(fixture_dirs "$t"); do
    for f in "$fixtures/$sub"/*; do
      [ -f "$f" ] || continue
      case "$f" in *.toml) continue ;; esac
      for flag in $(flags "$t"); do
        seed "$dir" "${sub}_$(basename "$f")_$flag" "$flag" "$f"
      done
      # The same file in 80-byte lines: a wrapped layout, which the reader unwraps.
      wrapped="$(mktemp)"
      tr -d '\r\n' < "$f" | fold -b -w 80 > "$wrapped"
      for flag in $(flags "$t"); do
        seed "$dir" "wrapped80_${sub}_$(basename "$f")_$flag" "$flag" "$wrapped"
      done
      rm -f "$wrapped"
      if [ "$t" = parse_835 ]; then
        body="$(mktemp)"
        if perl -0777 -ne 's/^.*?ST\*835\*[^~]*~//s && print' "$f" > "$body" && [ -s "$body" ]; then
          seed "$dir" "body_${sub}_$(basename "$f")" 01 "$body"
        fi
        rm -f "$body"
      fi
    done
  done
  # correct reads one input as both its 835s and its 837s: each remittance of fixtures/correct
  # with each of its claim files, and the 837 fixtures with the 835 fixtures.
  if [ "$t" = correct ]; then
    for r in "$fixtures"/correct/*.835 "$fixtures"/835/*.835; do
      for c in "$fixtures"/correct/*.837 "$fixtures"/837?/*.837; do
        [ -f "$r" ] && [ -f "$c" ] || continue
        cat "$r" "$c" > "$dir/pair_$(basename "$(dirname "$r")")_$(basename "$r")_$(basename "$(dirname "$c")")_$(basename "$c")"
      done
    done
  fi
  for x in "${extra[@]}"; do
    find "$x" -type f ! -name '*.md' -size -1024k -print0 |
      while IFS= read -r -d '' f; do
        for flag in $(flags "$t"); do
          seed "$dir" "extra_$(printf '%s' "$f" | md5sum | cut -c1-16)_$flag" "$flag" "$f"
        done
      done
  done
  echo "$t: $(find "$dir" -type f | wc -l) files in $dir"
done
