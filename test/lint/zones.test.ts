// The import zones in eslint.config.js are ARCHITECTURE.md's arrows: each forbidden import must fail
// lint, and each allowed one must pass. Linted as text under a path inside the zone.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('lint import zones', () => {
  const forbidden: [string, string][] = [
    ['src/ui/zone-probe.ts', "import { x } from '../streams/connection.js';"],
    ['src/ui/panes/zone-probe.ts', "import { Redis } from 'ioredis';"],
    ['src/store/zone-probe.ts', "import { x } from '../ui/theme.js';"],
    ['src/core/zone-probe.ts', "import { x } from '../streams/index.js';"],
    ['src/core/zone-probe.ts', "import { Redis } from 'ioredis';"],
    ['src/monitor/zone-probe.ts', "import { x } from '../store/state.js';"],
    ['src/streams/zone-probe.ts', "import { x } from '../monitor/tail.js';"],
    ['src/demo/zone-probe.ts', "import { x } from '../cli/main.js';"],
  ];
  it.each(forbidden)('%s may not: %s', async (file, code) => {
    const messages = await restrictedImports(file, `${code}\nexport const y = x;\n`);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/ARCHITECTURE\.md/);
  });

  const allowed: [string, string][] = [
    ['src/ui/zone-probe.ts', "import { x } from '../store/state.js';"],
    ['src/store/zone-probe.ts', "import { x } from '../core/types.js';"],
    ['src/monitor/zone-probe.ts', "import { x } from '../streams/connection.js';"],
    ['src/cli/zone-probe.ts', "import { x } from '../ui/theme.js';"],
    ['src/demo/zone-probe.ts', "import { x } from '../local-redis/private-redis.js';"],
  ];
  it.each(allowed)('%s may: %s', async (file, code) => {
    expect(await restrictedImports(file, `${code}\nexport const y = x;\n`)).toEqual([]);
  });
});
