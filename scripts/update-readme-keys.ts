/**
 * Rewrites the key table in README.md (between `<!-- keys:start -->` and `<!-- keys:end -->`)
 * from the keymap, the one list that also drives input, the footer and the `?` overlay.
 * Only that block changes; without the markers, a `## Keys` section is appended.
 *
 *   npx tsx scripts/update-readme-keys.ts          rewrite README.md
 *   npx tsx scripts/update-readme-keys.ts --check  exit 1 when README.md is out of date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderKeyTableMarkdown } from '../src/ui/keymap.js';

export const KEYS_START = '<!-- keys:start -->';
export const KEYS_END = '<!-- keys:end -->';
export const README = join(dirname(fileURLToPath(import.meta.url)), '..', 'README.md');

/** The text between the markers (null when they are missing or out of order). */
export function keysBlockOf(readme: string): string | null {
  const start = readme.indexOf(KEYS_START);
  const end = readme.indexOf(KEYS_END);
  if (start < 0 || end < start) return null;
  return readme.slice(start + KEYS_START.length, end).replace(/^\r?\n/, '');
}

/** README with the block replaced by `table` (or a `## Keys` section appended). */
export function withKeysBlock(readme: string, table: string): string {
  const block = `${KEYS_START}\n${table}${table.endsWith('\n') ? '' : '\n'}${KEYS_END}`;
  const start = readme.indexOf(KEYS_START);
  const end = readme.indexOf(KEYS_END);
  if (start >= 0 && end > start)
    return readme.slice(0, start) + block + readme.slice(end + KEYS_END.length);
  return `${readme.replace(/\n*$/, '\n')}\n## Keys\n\n${block}\n`;
}

function main(): number {
  const check = process.argv.includes('--check');
  const table = renderKeyTableMarkdown();
  // Others edit README.md too: re-read right before writing and start over if it moved.
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = readFileSync(README, 'utf8');
    const after = withKeysBlock(before, table);
    if (after === before) {
      process.stdout.write('README.md key table is up to date\n');
      return 0;
    }
    if (check) {
      process.stderr.write(
        'README.md key table is out of date: run npx tsx scripts/update-readme-keys.ts\n',
      );
      return 1;
    }
    if (readFileSync(README, 'utf8') !== before) continue;
    writeFileSync(README, after);
    process.stdout.write('README.md key table rewritten\n');
    return 0;
  }
  process.stderr.write('README.md kept changing; try again\n');
  return 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  process.exitCode = main();
