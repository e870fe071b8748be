/** The sweep's progress display (orchestration/progress.ts): its ETA and what it draws on a terminal. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import {
  CostEta,
  makeProgressView,
  noteLine,
  RateMeter,
  trialCost,
  type TrialSize,
} from '../../../orchestration/progress.js';
import type { SweepProgress } from '../../../workflows/shared.js';

function progress(over: Partial<SweepProgress>): SweepProgress {
  return {
    sweepId: 's-1',
    total: 0,
    ok: 0,
    diverged: 0,
    failed: 0,
    skipped: 0,
    running: 0,
    pending: 0,
    maxParallel: 1,
    phase: 'running',
    paused: false,
    cancelling: false,
    startedAt: '2026-01-01T00:00:00Z',
    run: 1,
    ...over,
  } as SweepProgress;
}

test('on a width-ordered grid the cost-model ETA follows the true time left; counting trials runs low', () => {
  // 5 widths × 3 seeds, run one at a time in grid order; a trial takes 1 s + its cost at a fixed speed.
  const grid: TrialSize[] = [];
  for (const width of [64, 128, 256, 512, 1024])
    for (let s = 0; s < 3; s++) grid.push({ width, depth: 2, n: 64, steps: 300, snapshots: 3 });
  const costs = grid.map(trialCost);
  const speed = costs[costs.length - 1] / 20; // the widest trial takes 20 s
  const seconds = costs.map((c) => 1 + c / speed);
  const total = grid.length;
  const eta = new CostEta(costs);
  const meter = new RateMeter();
  let t = 0;
  const at = (done: number) => progress({ total, ok: done, pending: total - done });
  eta.observe(at(0), 0);
  meter.observe(at(0), 0);
  for (let done = 1; done < total; done++) {
    t += seconds[done - 1];
    eta.observe(at(done), t * 1000);
    meter.observe(at(done), t * 1000);
    const truth = seconds.slice(done).reduce((a, b) => a + b, 0);
    const e = eta.etaS(at(done))!;
    // Once two widths have finished, both the fixed part and the speed are calibrated.
    if (done >= 4)
      assert.ok(
        Math.abs(e - truth) / truth < 0.01,
        `after ${done}: ETA ${e.toFixed(1)} s, truth ${truth.toFixed(1)} s`,
      );
    if (done === 6) {
      const byCount = meter.etaS(at(done))!;
      assert.ok(byCount < truth / 3, `counting trials: ${byCount.toFixed(1)} s against ${truth.toFixed(1)} s`);
    }
  }
});

test('the cost of a trial grows with width², depth, N and steps', () => {
  const base: TrialSize = { width: 64, depth: 2, n: 32, steps: 100, snapshots: 0 };
  assert.ok(trialCost({ ...base, width: 128 }) > 3.5 * trialCost(base));
  assert.ok(trialCost({ ...base, depth: 3 }) > 1.5 * trialCost(base));
  assert.equal(trialCost({ ...base, n: 64 }), 2 * trialCost(base));
  assert.equal(trialCost({ ...base, steps: 200 }), 2 * trialCost(base));
  assert.ok(trialCost({ ...base, snapshots: 2 }) > trialCost(base));
});

test('no ETA before a trial finished while watched', () => {
  const eta = new CostEta([1, 2, 3]);
  eta.observe(progress({ total: 3, pending: 3 }), 0);
  eta.observe(progress({ total: 3, running: 1, pending: 2 }), 5000);
  assert.equal(eta.etaS(progress({ total: 3, running: 1, pending: 2 })), undefined);
});

function terminal(): { stream: Writable & { columns: number }; text: () => string } {
  const chunks: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(c, _e, cb) {
        chunks.push(String(c));
        cb();
      },
    }),
    { columns: 80 },
  );
  return { stream, text: () => chunks.join('') };
}

test('the bar draws nothing before the sweep is planned and nothing once stopped', () => {
  const t = terminal();
  const view = makeProgressView('bar', { err: t.stream });
  view.update(progress({ total: 0, phase: 'planning' }));
  assert.equal(t.text(), '', 'no 0/1 frame while planning');
  view.update(progress({ total: 4, ok: 1, running: 1, pending: 2 }));
  assert.match(t.text(), /1\/4 done/);
  view.stop();
  const atStop = t.text();
  assert.ok(atStop.endsWith('\r\x1b[2K'), 'the bar is erased');
  view.update(progress({ total: 4, ok: 4, phase: 'finished' }));
  noteLine('stopped: continue with ntk-sweep resume runs/x');
  assert.equal(t.text(), atStop, 'nothing more through the closed view');
});

test('a message while the bar is shown goes above it, and the bar is redrawn below', () => {
  const t = terminal();
  const view = makeProgressView('bar', { err: t.stream });
  view.update(progress({ total: 4, ok: 1, running: 1, pending: 2 }));
  const before = t.text();
  noteLine('webgpu skipped: no Vulkan loader (libvulkan.so.1); using wasm');
  const after = t.text().slice(before.length);
  assert.match(after, new RegExp(String.raw`^\r\x1b\[2Kwebgpu skipped: [^\n]*\n.*1/4 done`));
  view.stop();
});

test('the bar is one terminal line, cut to the width', () => {
  const t = terminal();
  t.stream.columns = 40;
  const view = makeProgressView('bar', { err: t.stream });
  view.update(progress({ total: 400, ok: 100, running: 2, pending: 298 }));
  view.stop();
  const frame = t
    .text()
    .split('\r\x1b[2K')
    .filter((s) => s.length > 0)[0];
  assert.ok([...frame].length < 40, frame);
});
