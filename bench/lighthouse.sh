#!/bin/sh
# Lighthouse (npm `lighthouse`, mobile preset) on the sample site's home, article, actor, story
# and search pages, run against Debian's Chromium; prints a Markdown table of the four scores.
# Lighthouse is a measuring tool, not a dependency: it is installed under bench/.lighthouse/.
#   sh bench/lighthouse.sh            (from the repository; builds the sample site first)
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${PYTHON:-$ROOT/.venv/bin/python}
TOOLS=$ROOT/bench/.lighthouse
OUT=$ROOT/bench/.work/lighthouse
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
if [ ! -x "$TOOLS/node_modules/.bin/lighthouse" ]; then
  mkdir -p "$TOOLS" && (cd "$TOOLS" && echo '{"private":true}' > package.json && npm install --no-audit --no-fund lighthouse@12 >/dev/null)
fi
"$PY" build.py build >/dev/null
mkdir -p "$OUT"
PORT=${PORT:-8765}
"$PY" -m http.server -b 127.0.0.1 -d site "$PORT" >/dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER' EXIT
sleep 1
STORY=$(cd site && ls -d stories/*/ | head -1)
echo "| page | performance | accessibility | best practices | SEO |"
echo "| --- | --- | --- | --- | --- |"
for page in home:/ article:/articles/2024/11/eu-iraq-launch-energy-dialogue/ actor:/actors/layla-haddad/ \
            story:/$STORY search:/search/; do
  name=${page%%:*}; path=${page#*:}
  "$TOOLS/node_modules/.bin/lighthouse" "http://127.0.0.1:$PORT$path" --quiet --output=json \
    --output-path="$OUT/$name.json" --only-categories=performance,accessibility,best-practices,seo \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu" >/dev/null 2>&1
  "$PY" - "$OUT/$name.json" "$name" "$path" <<'PYEOF'
import json, sys
report = json.load(open(sys.argv[1]))
scores = [round(report["categories"][c]["score"] * 100) for c in ("performance", "accessibility", "best-practices", "seo")]
print(f"| {sys.argv[2]} (`{sys.argv[3]}`) | " + " | ".join(map(str, scores)) + " |")
PYEOF
done
