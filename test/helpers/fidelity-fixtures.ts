/**
 * test/fixtures/python-fidelity.jsonl: one entry per kind of value JavaScript would change on a
 * round trip, written by hand in Python json.dumps' exact format (`", "` / `": "` separators,
 * ensure_ascii) and checked with Python 3.11: json.dumps(json.loads(event)) == event.
 */
import { readFileSync } from 'node:fs';

export interface FidelityFixture {
  case: string;
  key: string;
  fields: { event: string };
}

export const fidelityFixtures: FidelityFixture[] = readFileSync(
  new URL('../fixtures/python-fidelity.jsonl', import.meta.url),
  'utf8',
)
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as FidelityFixture);
