/** `streamscope journal --json | head -1` ends quietly: no EPIPE stack trace, the reader's exit. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/monitor/journal.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('streamscope journal into a pipe that closes', () => {
  it.each([
    { name: '--json', flags: ['--json'] },
    { name: '(the table)', flags: [] },
  ])(
    'journal $name | head -1: one line out, nothing on stderr, exit 0',
    async ({ flags }) => {
      const path = join(mkdtempSync(join(tmpdir(), 'ss-journal-')), 'journal.ndjson');
      const journal = new Journal(path);
      // Far more than a pipe buffer (64 KiB), so the writer meets the closed pipe.
      for (let i = 0; i < 1500; i++)
        await journal.append({
          server: 'redis://127.0.0.1:6379',
          user: null,
          verb: 'ack',
          stream: `alice:events:t${i}`,
          group: 'g',
          count: 1,
          ids: [`${i}-0`],
          before: null,
          outcome: { ok: true, cancelled: false, done: 1, vanished: 0, summary: 'x'.repeat(80) },
        });
      const cmd = `node --import tsx src/cli/main.ts journal ${flags.join(' ')} --journal '${path}' | head -1; echo "status \${PIPESTATUS[0]}" >&2`;
      const res = spawnSync('bash', ['-c', cmd], { cwd: root, encoding: 'utf8', timeout: 60_000 });
      expect(res.stdout.trim().split('\n')).toHaveLength(1);
      expect(res.stderr.trim()).toBe('status 0');
    },
    60_000,
  );
});
