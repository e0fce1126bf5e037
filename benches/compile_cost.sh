#!/usr/bin/env bash
# Compile cost of #[pyclass_like] in instructions (callgrind of rustc,
# deterministic), beside serde's two derives: the steady companion of
# benches/compile_time.sh's wall-clock figures.
#
#   bash benches/compile_cost.sh                 # 50 classes, check and build
#   CLASSES=100 WORK=/tmp/cc bash benches/compile_cost.sh
#
# Generates the same three crates as compile_time.sh (pyslots, plain structs,
# plain structs deriving serde's Serialize and Deserialize) in $WORK (kept, so
# a second run reuses the plain and serde figures: delete $WORK/*.cost to
# measure them again), builds their dependencies, then runs rustc on each
# crate alone under `valgrind --tool=callgrind` (through RUSTC_WRAPPER) for
# `cargo check` and for a debug `cargo build`, with incremental compilation
# off. Prints the instructions above the plain structs and the ratio
# pyslots/serde; the target (issue 22) is at most 0.5.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
N="${CLASSES:-50}"
WORK="${WORK:-${TMPDIR:-/tmp}/pyslots-compile-cost-$N}"
mkdir -p "$WORK"
export CARGO_TARGET_DIR="$WORK/target"
export CARGO_TERM_COLOR=never CARGO_INCREMENTAL=0

# Generate the crates with compile_time.sh's own functions.
eval "$(sed -n '/^gen_pyslots() {/,/^}/p; /^gen_plain() {/,/^}/p; /^gen_serde() {/,/^}/p' "$ROOT/benches/compile_time.sh")"
gen_pyslots
[[ -f "$WORK/plain/src/lib.rs" ]] || gen_plain
[[ -f "$WORK/with_serde/src/lib.rs" ]] || gen_serde

# The wrapper: rustc under callgrind for the measured crate, plain rustc
# for everything else.
cat >"$WORK/wrap.sh" <<'WRAP'
#!/usr/bin/env bash
rustc="$1"; shift
if [[ -n "${MEASURE_CRATE:-}" && " $* " == *" --crate-name $MEASURE_CRATE "* ]]; then
  exec valgrind --tool=callgrind --callgrind-out-file="$MEASURE_OUT" --trace-children=no -q "$rustc" "$@"
fi
exec "$rustc" "$@"
WRAP
chmod +x "$WORK/wrap.sh"
export RUSTC_WRAPPER="$WORK/wrap.sh"

# Instructions of rustc compiling the crate $1 alone with `cargo $2`.
cost() {
  local crate="$1" cmd="$2" out="$WORK/$1.$2.out"
  cargo "$cmd" --quiet --manifest-path "$WORK/$crate/Cargo.toml"
  touch "$WORK/$crate/src/lib.rs"
  rm -f "$out"
  MEASURE_CRATE="$crate" MEASURE_OUT="$out" cargo "$cmd" --quiet --manifest-path "$WORK/$crate/Cargo.toml"
  awk '/^summary:/ {print $2}' "$out"
}

for cmd in check build; do
  for crate in plain with_serde; do
    [[ -f "$WORK/$crate.$cmd.cost" ]] || cost "$crate" "$cmd" >"$WORK/$crate.$cmd.cost"
  done
  cost with_pyslots "$cmd" >"$WORK/with_pyslots.$cmd.cost"
done

echo "== rustc instructions (callgrind), $N classes, above the plain structs ($(rustc --version | cut -d' ' -f2))"
printf '%-8s %14s %14s %14s %8s\n' "" "plain" "pyslots" "serde" "ratio"
for cmd in check build; do
  l=$(cat "$WORK/plain.$cmd.cost") p=$(cat "$WORK/with_pyslots.$cmd.cost") s=$(cat "$WORK/with_serde.$cmd.cost")
  printf '%-8s %14d %13.0fM %13.0fM %8.3f\n' "$cmd" "$l" "$(echo "($p - $l) / 1000000" | bc -l)" \
    "$(echo "($s - $l) / 1000000" | bc -l)" "$(echo "($p - $l) / ($s - $l)" | bc -l)"
done
