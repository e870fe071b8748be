/**
 * The terminal display of `ntk-sweep run`, as a user sees it: a real sweep on the embedded server
 * runs in a tmux pane (a real terminal), and the pane's screen is captured every 150 ms.
 * Needs tmux (scripts/setup.sh installs it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT } from '../helpers/python.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const skip = hasTmux ? false : 'tmux is not installed (scripts/setup.sh installs it)';
const dir = mkdtempSync(path.join(tmpdir(), 'ntk-display-'));
const session = `ntk-display-${process.pid}`;
const DONE = 'PANE-DONE';
const BAR = /[█░]/;

after(() => {
  spawnSync('tmux', ['kill-session', '-t', session]);
  rmSync(dir, { recursive: true, force: true });
});

function config(name: string, steps: number): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
dataset: { kind: circle, n_train: 8, n_test: 8, seed: 0, target: { kind: sin, freq: 1 } }
model: { activation: relu, parameterization: ntk, w_std: 1.4142, b_std: 0.1, outputs: 1 }
grid:
  width: [16, 32, 64]
  seed: { range: [0, 2] }
train: { lr: 0.5, steps: ${steps}, log_every: 10 }
ntk: { snapshots: [0, ${steps}], analytic: false, predictions: false }
execution: { backend: auto, max_parallel: 1, retries: 0, trial_timeout: 5m }
output: ${path.join(dir, 'runs', name)}
`,
  );
  return file;
}

const tmux = (...args: string[]): string => execFileSync('tmux', args, { encoding: 'utf8' });
const screen = (): string => tmux('capture-pane', '-p', '-t', session);

/**
 * Starts `ntk-sweep run CONFIG` in a fresh 160×40 pane and captures its screens until `until`
 * returns true for one (then `onScreen` may act) and the command has ended.
 */
async function watch(configFile: string, onScreen?: (s: string) => void, timeoutMs = 240_000): Promise<string[]> {
  spawnSync('tmux', ['kill-session', '-t', session]);
  tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '40', 'bash --norc --noprofile');
  tmux('send-keys', '-t', session, `cd ${ROOT} && PS1='$ ' && clear`, 'Enter');
  const cmd = `NODE_OPTIONS= node bin/ntk-sweep.js run ${configFile}; echo "${DONE} exit=$?"`;
  tmux('send-keys', '-t', session, cmd, 'Enter');
  const screens: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 150));
    const s = screen();
    if (screens[screens.length - 1] !== s) screens.push(s);
    onScreen?.(s);
    if (new RegExp(`^${DONE} exit=\\d+`, 'm').test(s)) return screens;
  }
  throw new Error(`the sweep did not end in time; last screen:\n${screens[screens.length - 1]}`);
}

/** The lines of a screen after the command line, up to the end marker. */
function output(s: string): string[] {
  const lines = s.split('\n');
  const from = lines.findIndex((l) => l.includes('bin/ntk-sweep.js run'));
  const to = lines.findIndex((l) => l.startsWith(DONE));
  return lines.slice(from + 1, to < 0 ? undefined : to);
}

test(
  'a sweep on a terminal: one bar, no planning frame, no Dawn text, nothing drawn after the final line',
  { skip },
  async () => {
    const screens = await watch(config('shown', 20));
    const last = screens[screens.length - 1];
    assert.match(last, new RegExp(`^${DONE} exit=0$`, 'm'), last);
    for (const s of screens) {
      assert.doesNotMatch(s, /\b0\/1 done|\[planning\]/, `a stale first frame:\n${s}`);
      assert.doesNotMatch(s, /Couldn't load Vulkan|BackendVk|Warning:/, `Dawn's own text:\n${s}`);
      const out = output(s);
      const final = out.findIndex((l) => /^sweep shown-\w+ completed/.test(l));
      if (final >= 0) assert.ok(!out.slice(final).some((l) => BAR.test(l)), `a frame after the final line:\n${s}`);
    }
    assert.ok(
      screens.some((s) => output(s).some((l) => BAR.test(l) && /\/6 done/.test(l))),
      'the bar was shown',
    );
    const out = output(last);
    assert.ok(!out.some((l) => BAR.test(l)), `the bar is erased at the end:\n${last}`);
    // auto's choice, said once in our words (this machine has no Vulkan loader and no libtensorflow).
    const skipped = out.filter((l) => /^webgpu skipped: /.test(l));
    assert.equal(skipped.length, 1, last);
    if (!/libvulkan/.test(execFileSync('sh', ['-c', 'ldconfig -p 2>/dev/null || true'], { encoding: 'utf8' }))) {
      assert.equal(skipped[0], 'webgpu skipped: no Vulkan loader (libvulkan.so.1); using wasm');
    }
  },
);

test('Ctrl-C during a sweep leaves a clean screen and prints the resume command', { skip }, async () => {
  let sent = false;
  const screens = await watch(config('stopped', 3000), (s) => {
    if (!sent && output(s).some((l) => BAR.test(l))) {
      tmux('send-keys', '-t', session, 'C-c');
      sent = true;
    }
  });
  assert.ok(sent, 'the bar appeared');
  const last = screens[screens.length - 1];
  assert.match(last, new RegExp(`^${DONE} exit=130$`, 'm'), last);
  const out = output(last);
  assert.ok(!out.some((l) => BAR.test(l)), `the bar is erased:\n${last}`);
  const stopped = out.findIndex((l) => /^stopped: /.test(l));
  assert.ok(stopped >= 0, last);
  assert.ok(
    out.slice(stopped).some((l) => l.trim() === `ntk-sweep resume ${path.join(dir, 'runs', 'stopped')}`),
    last,
  );
  // Nothing was drawn after the resume command, on any screen.
  for (const s of screens) {
    const o = output(s);
    const at = o.findIndex((l) => /^stopped: /.test(l));
    if (at >= 0) assert.ok(!o.slice(at).some((l) => BAR.test(l)), `a frame after the final line:\n${s}`);
  }
});
