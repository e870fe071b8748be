/**
 * The run folder's launch lock (orchestration/launch-lock.ts): one holder at a time, released by
 * its holder, stale as soon as the holder is gone, and broken once when many processes race for a
 * stale lock.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchLockFile, tryLaunchLock } from '../../../orchestration/launch-lock.js';

const LOCK_MODULE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../orchestration/launch-lock.ts');

describe('the launch lock of a run folder', () => {
  const dirs: string[] = [];
  const runDir = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'ntk-lock-'));
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('is held by one process at a time and released by it', () => {
    const dir = runDir();
    const a = tryLaunchLock(dir);
    assert.ok(a.held);
    assert.equal(JSON.parse(readFileSync(launchLockFile(dir), 'utf8')).pid, process.pid);
    // Another process sees this one as the holder.
    const other = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('${LOCK_MODULE}').then((m) => console.log(JSON.stringify(m.tryLaunchLock('${dir}'))))`,
      ],
      { encoding: 'utf8' },
    );
    assert.deepEqual(JSON.parse(other.stdout.trim()), { held: false, holder: process.pid }, other.stderr);
    a.release();
    assert.equal(existsSync(launchLockFile(dir)), false);
  });

  it('a lock whose holder is gone, or that is damaged, is stale and taken over', () => {
    const dir = runDir();
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
    mkdirSync(path.dirname(launchLockFile(dir)), { recursive: true });
    writeFileSync(launchLockFile(dir), JSON.stringify({ pid: dead }));
    const a = tryLaunchLock(dir);
    assert.ok(a.held);
    assert.equal(JSON.parse(readFileSync(launchLockFile(dir), 'utf8')).pid, process.pid);
    a.release();
    writeFileSync(launchLockFile(dir), '');
    const b = tryLaunchLock(dir);
    assert.ok(b.held, 'an empty lock file is stale');
    b.release();
  });

  it('a reused pid is not the holder: the start time differs', () => {
    const dir = runDir();
    mkdirSync(path.dirname(launchLockFile(dir)), { recursive: true });
    writeFileSync(launchLockFile(dir), JSON.stringify({ pid: process.ppid, start: '1' }));
    const a = tryLaunchLock(dir);
    assert.ok(a.held, existsSync('/proc') ? 'pid alive but started at another time' : 'no /proc');
    a.release();
  });

  it('eight processes racing for a stale lock: exactly one holds it', async () => {
    const dir = runDir();
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
    mkdirSync(path.dirname(launchLockFile(dir)), { recursive: true });
    writeFileSync(launchLockFile(dir), JSON.stringify({ pid: dead }));
    // All start, then try at once when `go` appears; the holder keeps the lock until `done` appears.
    const go = path.join(dir, 'go');
    const done = path.join(dir, 'done');
    const waitFile = (f: string) => `while (!fs.existsSync('${f}')) await new Promise((r) => setTimeout(r, 5));`;
    const script =
      `import fs from 'node:fs'; const m = await import('${LOCK_MODULE}'); console.log('ready'); ${waitFile(go)} ` +
      `const l = m.tryLaunchLock('${dir}'); console.log(l.held ? 'held' : 'busy'); ${waitFile(done)} if (l.held) l.release();`;
    const outputs: string[] = Array(8).fill('');
    const children = outputs.map((_, i) => {
      const c = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      c.stdout.on('data', (d: Buffer) => (outputs[i] += d.toString()));
      return new Promise<void>((resolve) => c.on('close', () => resolve()));
    });
    const lines = () => outputs.map((o) => o.trim().split('\n'));
    while (!lines().every((l) => l.includes('ready'))) await new Promise((r) => setTimeout(r, 50));
    writeFileSync(go, '');
    while (!lines().every((l) => l.length === 2)) await new Promise((r) => setTimeout(r, 50));
    writeFileSync(done, '');
    await Promise.all(children);
    const said = lines().map((l) => l[1]);
    assert.equal(said.filter((s) => s === 'held').length, 1, said.join(','));
    assert.equal(said.filter((s) => s === 'busy').length, 7, said.join(','));
    assert.equal(existsSync(launchLockFile(dir)), false, 'released by its holder');
  });
});
