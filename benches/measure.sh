#!/usr/bin/env bash
# usage: benches/measure.sh [SIZE] [BIG]   (sizes as for `gen`; defaults 100M and 1G, BIG=0 skips)
# Whole-process throughput and peak memory on one core (taskset -c $DENALI_CORE, default 0), beside
# `wc -l` on the same file as the floor; the same size again as ONE transaction set; then peak memory
# on a BIG 835 (the issue's 1 GB case).
# Prints a Markdown table for BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
size="${1:-100M}"
big="${2:-1G}"
cargo build -q --release -p denali -p denali-benches
bin=target/release
dir="${TMPDIR:-/tmp}/denali-measure"
mkdir -p "$dir"
[ -s "$dir/gen.835" ] && [ "$(cat "$dir/size" 2>/dev/null)" = "$size" ] || {
  "$bin/gen" 835 --bytes "$size" --seed 7 -o "$dir/gen.835" 2>/dev/null
  "$bin/gen" 837p --bytes "$size" --seed 7 -o "$dir/gen.837" 2>/dev/null
  rm -f "$dir"/gen-d*.835
  echo "$size" > "$dir/size"
}
# The same claims at lower denial rates: 22% of lines denied (gen's default) puts a denial on
# 41% of claims; 5% on 15% of claims, about a typical practice's rate; 2% on 9%.
for pct in 5 2; do
  [ -s "$dir/gen-d$pct.835" ] ||
    "$bin/gen" 835 --bytes "$size" --seed 7 --denied-lines "$pct" -o "$dir/gen-d$pct.835" 2>/dev/null
done
one="taskset -c ${DENALI_CORE:-0}"   # DENALI_CORE picks the core
measure() { # name, bytes, command...
  local name=$1 bytes=$2; shift 2
  local t0 t1 rss
  # One untimed run first: the first process to touch a hundred MB of fresh memory on this VM
  # pays for faulting it in (denali fmt: 0.48-0.55 s cold, 0.27 s after).
  "$@" > /dev/null 2>&1 || true
  t0=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$dir/rss" "$@" > /dev/null 2>/dev/null || true
  rss=$(tail -1 "$dir/rss")
  t1=$(date +%s.%N)
  python3 -c "import sys; b=$bytes; s=$t1-$t0; print(f'| {sys.argv[1]} | {b/1e6:.0f} MB | {s:.2f} s | {b/1e6/s:.0f} MB/s | {int(sys.argv[2])/1024:.1f} MB |')" "$name" "$rss"
}
b835=$(stat -c %s "$dir/gen.835"); b837=$(stat -c %s "$dir/gen.837")
# Read each file once first: the floor is meant to count lines, not to wait for the disk.
cat "$dir/gen.835" "$dir/gen.837" "$dir"/gen-d*.835 > /dev/null
echo "| what | input | time | throughput | peak RSS |"
echo "|---|---|---|---|---|"
measure "floor: wc -l (835)" "$b835" $one wc -l "$dir/gen.835"
measure "denali validate (tokenize + typed 835 + balancing)" "$b835" $one "$bin/denali" validate "$dir/gen.835"
measure "denali balance (tokenize + borrowed 835 view: header, balancing, totals)" "$b835" $one "$bin/denali" balance "$dir/gen.835"
measure "denali report --format csv --threads 1" "$b835" $one "$bin/denali" report --threads 1 --as-of 2025-01-01 --format csv "$dir/gen.835"
for pct in 5 2; do
  f="$dir/gen-d$pct.835"
  measure "denali report --format csv --threads 1, $pct% of lines denied" "$(stat -c %s "$f")" $one "$bin/denali" report --threads 1 --as-of 2025-01-01 --format csv "$f"
done
measure "denali report --format csv --threads 2, one file (its sets shared by two workers)" "$b835" "$bin/denali" report --threads 2 --as-of 2025-01-01 --format csv "$dir/gen.835"
measure "denali report --format csv, 2 threads, same file as 4 inputs" "$((b835 * 4))" "$bin/denali" report --threads 2 --as-of 2025-01-01 --format csv "$dir/gen.835" "$dir/gen.835" "$dir/gen.835" "$dir/gen.835"
measure "floor: wc -l (837P)" "$b837" $one wc -l "$dir/gen.837"
measure "denali fmt (837P parse + emit, byte for byte)" "$b837" $one "$bin/denali" fmt "$dir/gen.837"
# One transaction set holding the whole size: memory must not follow the set (claims are read one
# at a time; the reader holds the set's bytes and index).
[ -s "$dir/one.835" ] && [ "$(cat "$dir/onesize" 2>/dev/null)" = "$size" ] || {
  "$bin/gen" 835 --bytes "$size" --seed 3 --claims-per-st 100000000 -o "$dir/one.835" 2>/dev/null
  echo "$size" > "$dir/onesize"
}
bone=$(stat -c %s "$dir/one.835")
measure "denali validate, whole file in ONE transaction set" "$bone" $one "$bin/denali" validate "$dir/one.835"
measure "denali report --format csv --threads 1, ONE transaction set" "$bone" $one "$bin/denali" report --threads 1 --as-of 2025-01-01 --format csv "$dir/one.835"
if [ "$big" != 0 ]; then
  [ -s "$dir/big.835" ] && [ "$(cat "$dir/bigsize" 2>/dev/null)" = "$big" ] || {
    "$bin/gen" 835 --bytes "$big" --seed 11 -o "$dir/big.835" 2>/dev/null
    echo "$big" > "$dir/bigsize"
  }
  bbig=$(stat -c %s "$dir/big.835")
  cat "$dir/big.835" > /dev/null
  measure "floor: wc -l ($big 835)" "$bbig" $one wc -l "$dir/big.835"
  measure "denali validate ($big 835)" "$bbig" $one "$bin/denali" validate "$dir/big.835"
  measure "denali balance ($big 835)" "$bbig" $one "$bin/denali" balance "$dir/big.835"
  measure "denali report --format csv --threads 1 ($big 835)" "$bbig" $one "$bin/denali" report --threads 1 --as-of 2025-01-01 --format csv "$dir/big.835"
  measure "denali report --format csv --threads 2 ($big 835)" "$bbig" "$bin/denali" report --threads 2 --as-of 2025-01-01 --format csv "$dir/big.835"
fi
