#!/usr/bin/env bash
# Is the output byte-identical to what another revision builds? The sample site and a generated
# corpus, each built clean by both revisions with this checkout's .venv, then compared file by file.
# pagefind/ is left out: Pagefind names its files differently on every run, even of the same tree
# (tests compare search by what it finds).
#
#   bench/same_output.sh BASE_REV [COUNT]      e.g. bench/same_output.sh 28e3ec3 1000
set -euo pipefail
base_rev=${1:?usage: bench/same_output.sh BASE_REV [COUNT]}
count=${2:-1000}
here=$(cd "$(dirname "$0")/.." && pwd)
py=$here/.venv/bin/python
work=$(mktemp -d)
trap 'git -C "$here" worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$here" worktree add --detach -q "$work/base" "$base_rev"
"$py" "$here/bench/corpus.py" --count "$count" --format newsdigest --extract --out "$work/corpus" >/dev/null
status=0
for side in base new; do
  tree=$here; [ "$side" = base ] && tree=$work/base
  mkdir -p "$work/$side/sample"
  cp -r "$tree/content" "$tree/site.toml" "$tree/templates" "$work/$side/sample/"
  cp -r "$work/corpus" "$work/$side/corpus"
  for site in sample corpus; do
    # PYTHONPATH first: each side builds with its own newsdigest package.
    (cd "$tree" && PYTHONPATH="$tree" "$py" build.py --root "$work/$side/$site" build --clean >"$work/$side/$site.log" 2>&1)
  done
done
for site in sample corpus; do
  if diff -rq -x pagefind "$work/base/$site/site" "$work/new/$site/site" >"$work/$site.diff"; then
    echo "$site: identical ($(find -L "$work/new/$site/site" -type f -not -path '*/pagefind/*' | wc -l) files)"
  else
    echo "$site: DIFFERENT"; head -20 "$work/$site.diff"; status=1
  fi
done
exit $status
