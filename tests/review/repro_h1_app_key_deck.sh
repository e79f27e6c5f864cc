#!/bin/sh
# REVIEW h1 (a finding, reproduction script, not a test): a deck built with --url and an app
# key (or an internal key whose comparisons are all refused) shows quarter segments that rank
# the customer against a single other customer, and recency counted to the app's latest sale,
# with no "Internal: do not share" mark: DeckData.not_for_the_customer (cli/slides/model.py)
# only looks for EXACT sector figures.
# Run from anywhere: sh tests/review/repro_h1_app_key_deck.sh  (port 18100, a temp folder)
set -e
WT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=$(mktemp -d)
export PYTHONPATH=$WT PROFILING_TODAY=2023-06-15 DATABASE_URL=sqlite+aiosqlite:///$DIR/p.db
P=/work/main/.venv/bin/profiling
cd "$DIR"
printf 'customer,date,amount,invoice\nc0,2023-02-01,100,i1\nc1,2023-02-20,9000,i2\nc0,2023-03-05,50,i3\n' > sales.csv
printf 'level,entity_id,metric_name,effective_date,value,unit\naccount,c0,minutes_saved,2023-05-01,30,minutes\n' > m.csv
$P ingest sales sales.csv --app north >/dev/null 2>&1
$P ingest metrics m.csv >/dev/null 2>&1
$P segment >/dev/null 2>&1
KEY=$($P keys create --role app --app north 2>/dev/null | tail -1)
$P serve --port 18100 >serve.log 2>&1 &
PID=$!
sleep 6
$P slides --account c0 --month 2023-05 --url http://127.0.0.1:18100 --key "$KEY" -o app.pptx
kill $PID
/work/main/.venv/bin/python - <<'PY'
from pptx import Presentation
text = "\n".join(
    shape.text_frame.text if shape.has_text_frame else
    "\n".join(" | ".join(c.text for c in r.cells) for r in shape.table.rows)
    for slide in Presentation("app.pptx").slides for shape in slide.shapes
    if shape.has_text_frame or getattr(shape, "has_table", False)
)
print("marked 'do not share':", "do not share" in text.lower())
print([line for line in text.splitlines() if "so far" in line or "days before" in line])
PY
