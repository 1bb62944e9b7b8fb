#!/usr/bin/env bash
# Screenshots for the README, from a real run: the demo (`--seed`, so every run shows the same
# traffic) in a tmux terminal of fixed size, keys pressed as a user would, the screen captured
# with its colours (capture-pane -e), turned into HTML (aha) and photographed by headless
# chromium. Run with `npm run screenshots`. Look at every image before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-screenshots}
SEED=${SEED:-42}
SESSION=${SESSION:-"streamscope-shots-$$"}
FONT_PX=14     # DejaVu Sans Mono advance is 0.602 em: 8.43 px per column at 14 px
LINE_PX=17     # px per terminal row
PAD_PX=10

say() { printf 'screenshots: %s\n' "$*" >&2; }

# --- what this needs, installed on Debian/Ubuntu when missing --------------------------------
chromium_bin() { command -v chromium || command -v chromium-browser || command -v google-chrome || true; }
need=()
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v aha >/dev/null 2>&1 || need+=(aha)
[ -n "$(chromium_bin)" ] || need+=(chromium)
fc-list 2>/dev/null | grep -q 'DejaVu Sans Mono' || need+=(fonts-dejavu-core)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || need+=(redis-tools)
if [ ${#need[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    say "missing: ${need[*]}. Install them (macOS: brew install tmux aha chromium redis), then run again."
    exit 1
  fi
  if [ "$(id -u)" = 0 ]; then SUDO=(); else SUDO=(sudo); fi
  say "installing ${need[*]}: ${SUDO[*]} apt-get install -y ${need[*]}"
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y "${need[@]}" \
    || { "${SUDO[@]}" apt-get update && DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y "${need[@]}"; }
fi
CHROMIUM=$(chromium_bin)
[ -f dist/cli/main.js ] || npm run build --silent

mkdir -p "$OUT"
WORK=$(mktemp -d)
DEMO_REDIS=()
HELPER=

cleanup() {
  [ -z "$HELPER" ] || kill "$HELPER" 2>/dev/null || true
  # Killing the session sends SIGHUP to the demo, which stops its workers and redis-server.
  tmux kill-session -t "$SESSION" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- helpers ---------------------------------------------------------------------------------
# start <cols> <rows>: the demo with its monitor, in a detached terminal of that size
start() {
  COLS=$1 ROWS=$2
  tmux new-session -d -s "$SESSION" -x "$COLS" -y "$ROWS" \
    "node dist/cli/main.js demo --seed $SEED; echo demo-exited-\$?; sleep 2"
  tmux set-option -t "$SESSION" status off >/dev/null
}

screen() { tmux capture-pane -p -t "$SESSION"; }

# wait_for <text> [seconds]: until the screen shows it
wait_for() {
  local text=$1 deadline=$((SECONDS + ${2:-20}))
  until screen | grep -qF -- "$text"; do
    if [ $SECONDS -ge $deadline ]; then say "timed out waiting for \"$text\"; the screen was:"; screen >&2; exit 1; fi
    sleep 0.2
  done
}

# remember the demo's own redis-server (child of node, child of the pane's shell), to check
# after quitting that it is gone; other redis-servers on this machine are none of our business
remember_redis() {
  local sh node
  sh=$(tmux display-message -p -t "$SESSION" '#{pane_pid}')
  node=$(pgrep -P "$sh" -x node | head -1)
  DEMO_REDIS+=($(pgrep -P "$node" -x redis-server))
}

keys() { tmux send-keys -t "$SESSION" "$@"; sleep "${PAUSE:-0.6}"; }

# shot <name>: the screen as it is now, to $OUT/<name>.png
shot() {
  local name=$1 html="$WORK/$1.html"
  local width=$(( (COLS * FONT_PX * 602 + 999) / 1000 + 2 * PAD_PX ))
  local height=$(( ROWS * LINE_PX + 2 * PAD_PX ))
  {
    printf '<!doctype html><meta charset="utf-8"><style>'
    printf 'html,body{margin:0;background:#000}'
    printf 'pre{margin:0;padding:%dpx;font:%dpx/%dpx "DejaVu Sans Mono",monospace;color:#ddd;white-space:pre}' "$PAD_PX" "$FONT_PX" "$LINE_PX"
    printf '</style><pre>'
    tmux capture-pane -e -p -t "$SESSION" | aha --black --no-header
    printf '</pre>'
  } > "$html"
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
    --window-size="$width,$height" --screenshot="$OUT/$name.png" "file://$html" >/dev/null 2>&1
  say "$OUT/$name.png (${COLS}x${ROWS})"
}

# --- the shots -------------------------------------------------------------------------------
READY=${READY:-connected}  # text the monitor's status bar shows once it is live

start 120 36
wait_for "$READY" 30
remember_redis
PORT=$(screen | grep -o 'redis://127.0.0.1:[0-9]*' | head -1 | sed 's/.*://')
# tracker-1 crashed early holding entries: pane 4 labels it STUCK once it has been idle for
# --stuck-after (30 s); by then every group has half a minute of lag history (sparklines, rates).
keys 4
wait_for "tracker-1 STUCK" 90
# A second thumbnailer consumer (thumb-2, here a redis-cli loop: 30 entries read and acked every
# 0.5 s, three times the ingest) works on asset.discovered for 15 s, so that group's lag turns
# and pane 2 shows a finite drain estimate next to asset.processed still growing.
( while :; do
    redis-cli -p "$PORT" EVAL "local r = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', tonumber(ARGV[3]), 'STREAMS', KEYS[1], '>') if not r then return 0 end for _, e in ipairs(r[1][2]) do redis.call('XACK', KEYS[1], ARGV[1], e[1]) end return #r[1][2]" \
      1 alice:events:asset.discovered thumbnailer thumb-2 30 >/dev/null 2>&1 || exit 0
    sleep 0.5
  done ) &
HELPER=$!
sleep 15
shot consumer-groups       # worst first: workflow-tracker on top, tracker-1 STUCK in red
keys 1;                    shot live-events
keys 3;                    shot pending-stuck-consumer
# Pane 2 at 160 columns, where the LAG 10m sparkline column shows (it needs 140); S sorts by LAG
# (the header shows ▾), so the two thumbnailer rows lead and the selected one's trend line shows.
tmux resize-window -t "$SESSION" -x 160 -y 36; COLS=160
keys 2; keys S
wait_for "drains in" 20
sleep 1
shot streams-lag
kill "$HELPER" 2>/dev/null || true
keys S; keys S; keys S; keys S; keys S; keys S   # back to worst first (seven orders)
tmux resize-window -t "$SESSION" -x 120 -y 36; COLS=120
keys 1; keys Enter;        shot detail-view
keys Escape; keys '?';     shot help-overlay
keys Escape; keys 3
keys Space; keys j; keys Space; keys j; keys Space   # mark three of tracker-1's entries
keys a;                    shot confirm-dialog
keys n
# issue 11 (history view): pane 2, h opens the stream's history, :range selects the last 10 minutes;
# the title shows the range's count and time span
# (the filter picks asset.discovered: worst first, the stuck workflow groups lead pane 2 by now,
# and a longer stream name cuts the replay dialog's bytes off its first line)
keys 2; keys '/'; keys 'type:asset.discovered' Enter; keys h
wait_for "loaded ·" 15
keys ':'; keys 'range -10m..now'; keys Enter
wait_for " entries · " 20
shot history-range
# issue 11 (replay in the TUI): R on that range opens the replay dialog (exact count, span,
# target, speed, not undoable); s picks 1× (the original pace), y starts it: the progress line
# shows count, rate and ETA while it runs; esc cancels it and says how many were copied
keys R
wait_for "Replay " 20
wait_for "bytes" 20
shot replay-dialog
keys s
keys y
wait_for "p pauses" 20
sleep 3
shot replay-progress
keys Escape
wait_for "replay cancelled" 20
keys Escape; keys Escape

# --- issue 9: a bulk claim in progress, and pane 5 with dead letters ---------------------------
# A dead importer holding 100,000 entries (built server-side in the demo's own redis-server, whose
# port the tabs show), claimed from the `:` line. Once the progress bar has moved, the server's
# writes are held for a moment (CLIENT PAUSE WRITE: the next batch waits) so the shot catches the
# claim half-way rather than racing it.
IMPORTED=alice:events:asset.imported
redis-cli -p "$PORT" EVAL "for i = 1, tonumber(ARGV[1]) do redis.call('XADD', KEYS[1], '*', 'event', ARGV[2]) end return 1" \
  1 "$IMPORTED" 100000 '{"event_type": "asset.imported", "event_id": "5b1f0c1e-3f6a-4c51-9d0e-2f7a9b1c0d11", "timestamp": "2026-12-02T03:00:00.000000+00:00", "source": "importer", "version": "1.0.0", "file_path": "/archive/2019/IMG_0001.jpg"}' >/dev/null
redis-cli -p "$PORT" XGROUP CREATE "$IMPORTED" importer 0 >/dev/null
redis-cli -p "$PORT" EVAL "local r = redis.call('XREADGROUP', 'GROUP', 'importer', 'importer-1', 'COUNT', 100000, 'STREAMS', KEYS[1], '>') return #r[1][2]" 1 "$IMPORTED" >/dev/null
redis-cli -p "$PORT" XGROUP CREATECONSUMER "$IMPORTED" importer importer-2 >/dev/null
sleep 2                    # the next snapshot knows the group
keys ':' 'show asset.imported importer' Enter
keys ':' 'mark consumer=importer-1' Enter
wait_for "100,000 marked" 30
keys c; keys Enter         # the default target: importer-2
wait_for "Claim 100,000 entries" 10
tmux send-keys -t "$SESSION" y
deadline=$((SECONDS + 60))
until screen | grep -qF "Claiming ▕█"; do
  if [ $SECONDS -ge $deadline ]; then say "no claim progress on screen:"; screen >&2; exit 1; fi
  sleep 0.05
done
redis-cli -p "$PORT" CLIENT PAUSE 3000 WRITE >/dev/null
sleep 0.8
shot bulk-claim-progress
wait_for "claimed 100000 of 100000" 60
# Dead letters of more than one stream: three of tracker-1's entries of workflow.failed
# dead-lettered from the `:` line (the selected one each time), next to the demo's poison events.
keys ':' 'show workflow.failed workflow-tracker' Enter
for i in 1 2 3; do
  keys ':' 'deadletter reason="tracker-1 crashed holding it"' Enter
  wait_for "Dead-letter 1 entry" 10
  keys y
  wait_for "dead-lettered 1 of 1" 20
done
keys 5
wait_for "asset.processed" 30   # the demo's first poison event (dead-lettered after ~6 deliveries)
sleep 1
shot dead-letters
keys q
sleep 2
tmux kill-session -t "$SESSION" 2>/dev/null || true

# 80×24: pane 3 with two marked entries of the stuck consumer — the server's address and port,
# the mark count, the group name, STUCK, and q / ? in the footer all stay readable.
start 80 24
wait_for "$READY" 30
remember_redis
keys 4
wait_for "tracker-1 STUCK" 90
keys 3
wait_for "tracker-1 STUCK" 10
keys Space; keys j; keys Space
wait_for "2 marked" 10
shot app-80x24
keys q
sleep 2

# --- nothing left behind -----------------------------------------------------------------------
tmux kill-session -t "$SESSION" 2>/dev/null || true
sleep 1
for pid in "${DEMO_REDIS[@]}"; do
  if kill -0 "$pid" 2>/dev/null && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$pid/stat" 2>/dev/null; then
    say "the demo's redis-server (pid $pid) is still running after quitting"; exit 1
  fi
done
say "done; look at every image before committing it"
