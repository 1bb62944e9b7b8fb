import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { redisUrl } from '../helpers/context.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url);

describe('README library example', () => {
  it('is the file examples/quickstart.mjs, verbatim', () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    const example = readFileSync(new URL('examples/quickstart.mjs', root), 'utf8').trimEnd();
    expect(readme).toContain('```js\n' + example + '\n```');
  });

  it('runs against a real Redis and prints what it says (needs the build: npm test builds first)', async () => {
    const { stdout } = await run(process.execPath, ['examples/quickstart.mjs'], {
      cwd: new URL('.', root).pathname,
      env: { ...process.env, REDIS_URL: redisUrl() },
      timeout: 15000,
    });
    expect(stdout).toMatch(/^stored as \d+-\d+$/m);
    expect(stdout).toContain('read back asset.discovered /inbox/cat.png');
    expect(stdout).toMatch(/^consumed \d+-\d+ delivery #1$/m);
    expect(stdout).toMatch(/groups \[ 'example-workers pending=0 lag=0' \]/);
  });

  it('the typed example is examples/typed-events.ts, verbatim (npm run typecheck checks its types)', () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    const example = readFileSync(new URL('examples/typed-events.ts', root), 'utf8').trimEnd();
    expect(readme).toContain('```ts\n' + example + '\n```');
  });

  it('the typed example runs against a real Redis: the schema refuses, the switch narrows', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'examples/typed-events.ts'],
      {
        cwd: new URL('.', root).pathname,
        env: { ...process.env, REDIS_URL: redisUrl() },
        timeout: 20000,
      },
    );
    expect(stdout).toContain(
      'INVALID_PAYLOAD order.placed payload refused by its schema: total_cents: must be whole cents ≥ 0',
    );
    expect(stdout).toMatch(/^placed o-1 12\.99$/m);
    expect(stdout).toMatch(/^shipped o-1 via DHL$/m);
  });
});
