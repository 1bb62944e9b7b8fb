/** What a benchmark hands back, and how RESULTS.md is written from it. */

export interface Table {
  caption?: string;
  headers: string[];
  rows: string[][];
}

export type TargetStatus = 'met' | 'missed' | 'not measured';

export interface TargetCheck {
  what: string;
  target: string;
  measured: string;
  status: TargetStatus;
  /** Why it was missed / what limits it. */
  note?: string;
}

export interface Section {
  name: string;
  title: string;
  /** How it was measured, one paragraph. */
  method: string;
  tables: Table[];
  targets: TargetCheck[];
  notes: string[];
  durationMs?: number;
  error?: string;
}

function esc(cell: string): string {
  return cell.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function markdownTable(t: Table): string {
  const out: string[] = [];
  if (t.caption) out.push(`*${t.caption}*`, '');
  out.push(`| ${t.headers.map(esc).join(' | ')} |`);
  out.push(`|${t.headers.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`);
  for (const r of t.rows) out.push(`| ${r.map(esc).join(' | ')} |`);
  return out.join('\n');
}

export function sectionMarkdown(s: Section): string {
  const out: string[] = [`## ${s.title}`, ''];
  if (s.error) {
    out.push(`**Did not complete:** ${s.error}`, '');
  }
  out.push(s.method, '');
  for (const t of s.tables) out.push(markdownTable(t), '');
  if (s.targets.length) {
    out.push(
      markdownTable({
        caption: 'Targets',
        headers: ['what', 'target', 'measured', 'status'],
        rows: s.targets.map((t) => [
          t.what,
          t.target,
          t.measured,
          t.status === 'met' ? 'met' : t.status === 'missed' ? '**MISSED**' : t.status,
        ]),
      }),
      '',
    );
    for (const t of s.targets)
      if (t.status === 'missed' && t.note) out.push(`- Missed — ${t.what}: ${t.note}`);
    if (s.targets.some((t) => t.status === 'missed' && t.note)) out.push('');
  }
  for (const n of s.notes) out.push(`- ${n}`);
  if (s.notes.length) out.push('');
  if (s.durationMs !== undefined)
    out.push(`<sub>section wall time: ${(s.durationMs / 1000).toFixed(1)} s</sub>`, '');
  return out.join('\n');
}

export function emptySection(name: string, title: string, method: string): Section {
  return { name, title, method, tables: [], targets: [], notes: [] };
}
