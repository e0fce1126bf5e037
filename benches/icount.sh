#!/usr/bin/env bash
# Instructions per operation under callgrind, for this build's icount and,
# given a second icount binary (another build's), that one's beside it.
#
#   cargo build --release --manifest-path benches/Cargo.toml --bin icount
#   bash benches/icount.sh [OTHER_ICOUNT] [PATTERN]
#
# Each operation is run 2,000 and 12,000 times; the difference of the two
# totals over 10,000 is its count, the start-up and registration cancelling.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
THIS="$HERE/target/release/icount"
OTHER="${1:-}"
PATTERN="${2:-}"

count() { # binary name times -> total instructions
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" "$2" "$3" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
per_op() { # binary name
  local a b
  a=$(count "$1" "$2" 2000)
  b=$(count "$1" "$2" 12000)
  python3 -c "print(f'{($b - $a) / 10000:.1f}')"
}

printf '%-40s %10s' "operation (instructions per call)" "this"
[[ -n "$OTHER" ]] && printf ' %10s %8s' "other" "this/other"
printf '\n'
"$THIS" --list | grep -e "${PATTERN}" | while read -r name; do
  mine=$(per_op "$THIS" "$name")
  printf '%-40s %10s' "$name" "$mine"
  if [[ -n "$OTHER" ]]; then
    theirs=$(per_op "$OTHER" "$name")
    printf ' %10s %8s' "$theirs" "$(python3 -c "print(f'{$mine / $theirs:.2f}' if $theirs else '-')")"
  fi
  printf '\n'
done
