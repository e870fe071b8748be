/**
 * What `run` saves in the run folder is read back as the same sweep by `resume` and by the workers,
 * also for a config that leaves its name to the file's stem.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { planFromConfig, planFromRunFolder, writeLaunchFiles } from '../../../orchestration/run-folder.js';
import { loadRunConfig, runConfigFile } from '../../../src/tables/run-config.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ntk-launch-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a config without a name is saved with the name from its stem and read back as the same sweep', async () => {
  const file = path.join(dir, 'Width Study.yaml');
  writeFileSync(
    file,
    [
      '# the name comes from the file',
      'dataset: { kind: circle, n_train: 8, n_test: 4 }',
      'model: { depth: 1, activation: relu }',
      'grid: { model.width: [8, 16] }',
      'train: { steps: 0 }',
      `output: ${JSON.stringify(path.join(dir, 'run'))}`,
      '',
    ].join('\n'),
  );
  const plan = planFromConfig(file);
  assert.equal(plan.loaded.config.name, 'width-study');
  await writeLaunchFiles(plan);

  const saved = readFileSync(runConfigFile(plan.runDir), 'utf8');
  assert.match(saved, /^name: width-study$/m);
  assert.match(saved, /# the name comes from the file/);
  assert.equal((await planFromRunFolder(plan.runDir)).sweepId, plan.sweepId);
  assert.equal(loadRunConfig({ runDir: plan.runDir, configDir: plan.configDir }).sweepId, plan.sweepId);
});
