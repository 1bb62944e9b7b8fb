/** A running bulk command: `Claiming ▕████░░░░▏ 3,000/10,000 · 12,400/s · esc cancels`. */
import { Text } from 'ink';
import { commandKind } from '../../core/command-kinds.js';
import type { ProgressState } from '../../store/state.js';
import { formatCount } from '../format.js';
import { useMonitor } from '../hooks/use-monitor.js';
import { paint } from '../theme.js';

/** The bar's cells: filled in proportion to done/total (text only, so it shows in any mode). */
export function progressBar(done: number, total: number, cells: number): string {
  const full = total > 0 ? Math.min(cells, Math.round((done / total) * cells)) : 0;
  return `▕${'█'.repeat(full)}${'░'.repeat(cells - full)}▏`;
}

/** Items per second since it was confirmed (a paced replay: its own, pauses excluded); null before a first batch came back. */
export function progressRate(p: ProgressState): number | null {
  if (p.ratePerSec !== undefined) return p.done > 0 ? p.ratePerSec : null;
  const sec = (p.at - p.startedAt) / 1000;
  return p.done > 0 && sec > 0 ? p.done / sec : null;
}

/** `ETA 12 s`, `ETA 4 min 05 s` (null: unknown). */
function eta(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return null;
  const s = Math.ceil(ms / 1000);
  return s < 60
    ? `ETA ${s} s`
    : `ETA ${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

export function progressText(p: ProgressState, width: number): string {
  const rate = progressRate(p);
  // A replayed range (p.paused set) can be paused and stepped: its keys are named here.
  const paced = p.paused !== undefined;
  const left = paced && !p.paused && !p.cancelling ? eta(p.etaMs) : null;
  const keys = p.cancelling
    ? 'cancelling after this batch…'
    : paced
      ? p.paused
        ? 'p resumes · . steps one · esc cancels'
        : 'p pauses · esc cancels'
      : 'esc cancels';
  const tail = [
    `${formatCount(p.done)}/${formatCount(p.total)}`,
    ...(rate !== null && !p.paused ? [`${formatCount(Math.round(rate))}/s`] : []),
    ...(left ? [left] : []),
    keys,
  ].join(' · ');
  const head = p.paused ? 'Paused' : commandKind(p.command).verbing;
  const cells = Math.max(5, Math.min(30, width - head.length - tail.length - 6));
  return `${head} ${progressBar(p.done, p.total, cells)} ${tail}`;
}

export function ProgressLine({ width }: { width: number }) {
  const p = useMonitor((s) => s.ui.progress);
  if (!p) return null;
  return <Text wrap="truncate-end">{paint('accent', progressText(p, width))}</Text>;
}
