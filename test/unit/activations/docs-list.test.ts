/**
 * The table of activations in docs/sweep-config.md ("Activations") names exactly the activations
 * of src/activations/, in order, with "closed form" exactly where a file declares one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ACTIVATION_LIST } from '../../../src/activations/index.js';
import { ROOT } from '../../helpers/python.js';

test('docs/sweep-config.md lists every activation and which have a closed-form dual', () => {
  const text = readFileSync(path.join(ROOT, 'docs', 'sweep-config.md'), 'utf8');
  const section = text.split('\n## Activations\n')[1]?.split('\n## ')[0];
  assert.ok(section, 'docs/sweep-config.md has no "## Activations" section');
  const rows = section
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => l.split('|').map((c) => c.trim()));
  assert.deepEqual(
    rows.map((r) => [r[1].replaceAll('`', ''), r[3].startsWith('closed form')]),
    ACTIVATION_LIST.map((a) => [a.name, a.dual !== undefined]),
  );
});
