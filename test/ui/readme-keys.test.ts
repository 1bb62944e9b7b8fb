import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderKeyTableMarkdown } from '../../src/ui/keymap.js';
import { README, keysBlockOf, withKeysBlock } from '../../scripts/update-readme-keys.js';

describe('README key table', () => {
  it('is the keymap rendered (run `npx tsx scripts/update-readme-keys.ts` after changing a binding)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme).toMatch(/^## Keys\n/m);
    const block = keysBlockOf(readme);
    expect(block, 'the <!-- keys:start --> … <!-- keys:end --> markers').not.toBeNull();
    expect(block).toBe(renderKeyTableMarkdown());
  });

  it('the rewrite touches only the block, and adds the section when the markers are missing', () => {
    const doc =
      'intro\n\n## Keys\n\n<!-- keys:start -->\nold\n<!-- keys:end -->\n\n## Next\ntext\n';
    expect(withKeysBlock(doc, '| new |\n')).toBe(
      'intro\n\n## Keys\n\n<!-- keys:start -->\n| new |\n<!-- keys:end -->\n\n## Next\ntext\n',
    );
    expect(keysBlockOf(withKeysBlock(doc, '| new |\n'))).toBe('| new |\n');
    expect(withKeysBlock('intro\n', '| t |\n')).toBe(
      'intro\n\n## Keys\n\n<!-- keys:start -->\n| t |\n<!-- keys:end -->\n',
    );
    expect(keysBlockOf('no markers')).toBeNull();
  });
});
