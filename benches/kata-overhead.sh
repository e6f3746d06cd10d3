#!/usr/bin/env bash
# What `kata check` costs over bare cargo: CPU time (user + system, of the
# command and every process it waited for: cargo, rustc, the test binary) of
#
#   a one-line edit of lessons/traits/src/server.rs, then `cargo kata check traits/server`
#   the same kind of edit, then `cargo test -p traits --test traits -- server::`
#
# measured alternately in the same run on the same machine, ROUNDS times each
# (default 7); prints the medians and their ratio as a Markdown table (the
# figures in benches/results/kata.md come from it). Not a test: run it by hand
# on a quiet machine, from anywhere:
#
#   benches/kata-overhead.sh [ROUNDS]
#
# It edits the stub and puts it back when it ends (even on Ctrl-C); progress
# goes to a temporary KATA_STATE_DIR, so your own is untouched.
set -euo pipefail

rounds=${1:-7}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
file=lessons/traits/src/server.rs
saved=$(mktemp)
state=$(mktemp -d)
cp "$file" "$saved"
trap 'cp "$saved" "$file"; rm -rf "$saved" "$state"' EXIT
export NO_COLOR=1 KATA_STATE_DIR="$state"

# Everything built once, so that each round rebuilds only the edited crate.
cargo build -q -p harness
cargo kata check traits/server >/dev/null 2>&1 || true
cargo test -q -p traits --test traits --no-run >/dev/null 2>&1

edits=0
edit() {
  edits=$((edits + 1))
  cp "$saved" "$file"
  printf '// benchmark edit %d\n' "$edits" >>"$file"
}

# CPU seconds (user + system) of "$@" and its children; its exit code is ignored.
cpu() {
  local TIMEFORMAT='%U %S %R'
  { time "$@" >/dev/null 2>&1 || true; } 2>&1 | awk '{printf "%.3f %.3f\n", $1 + $2, $3}'
}

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

kata_cpu=() kata_wall=() cargo_cpu=() cargo_wall=()
for round in $(seq "$rounds"); do
  # Alternate which goes first, so that neither always meets a warmer cache.
  for which in $( ((round % 2)) && echo "kata cargo" || echo "cargo kata"); do
    edit
    if [ "$which" = kata ]; then
      read -r c w < <(cpu cargo kata check traits/server)
      kata_cpu+=("$c") kata_wall+=("$w")
    else
      read -r c w < <(cpu cargo test -q -p traits --test traits -- server::)
      cargo_cpu+=("$c") cargo_wall+=("$w")
    fi
    echo "round $round $which: cpu ${c}s wall ${w}s" >&2
  done
done

k=$(printf '%s\n' "${kata_cpu[@]}" | median)
c=$(printf '%s\n' "${cargo_cpu[@]}" | median)
kw=$(printf '%s\n' "${kata_wall[@]}" | median)
cw=$(printf '%s\n' "${cargo_wall[@]}" | median)
ratio=$(awk -v k="$k" -v c="$c" 'BEGIN {printf "%.2f", k / c}')
echo
echo "| after a one-line edit of traits/server ($rounds rounds, medians) | CPU (user + sys) | wall |"
echo "|---|---|---|"
echo "| \`cargo test -p traits --test traits -- server::\` | ${c} s | ${cw} s |"
echo "| \`cargo kata check traits/server\` | ${k} s | ${kw} s |"
echo "| ratio kata / cargo | **${ratio}×** | |"
