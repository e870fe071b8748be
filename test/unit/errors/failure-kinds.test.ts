/**
 * One declaration of how each typed failure is treated (src/failure-kinds.ts), and what follows
 * from it: the exit code a command ends with (cli/report-error.ts), and whether a sweep's
 * activity failure is retried (activities/failures.ts) — also for an error rebuilt from an
 * executor thread's message (executors/protocol.ts), which keeps only its name.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { toFailure } from '../../../activities/failures.js';
import { fromWire, toWire } from '../../../executors/protocol.js';
import { TemporalSetupError } from '../../../connection/errors.js';
import { EXIT_BAD_INPUT, EXIT_DISK_FULL, EXIT_UNEXPECTED } from '../../../src/exit-codes.js';
import { reportError } from '../../../cli/report-error.js';
import { UsageError } from '../../../cli/usage-error.js';
import {
  BackendError,
  ConfigError,
  DatasetError,
  DiskFullError,
  OutputError,
  OverrideError,
  QueryError,
  RunFolderError,
} from '../../../src/errors.js';
import { FAILURE_KINDS, isBadInputType, NON_RETRYABLE_TYPES } from '../../../src/failure-kinds.js';

const problem = { file: 'a.yaml', line: 3, column: 5, path: 'model.width', message: 'expected a number' };

/** One of every typed failure class. */
const typed: Error[] = [
  new ConfigError([problem]),
  new DatasetError('no such CSV'),
  new OverrideError(['--width: expected a number']),
  new RunFolderError('not a run folder'),
  new QueryError('no such table'),
  new UsageError('name a command'),
  new TemporalSetupError('no Temporal CLI'),
  new BackendError('no webgpu adapter'),
  new OutputError('cannot write x'),
  new DiskFullError('the disk is full'),
];

const exitOf = (e: unknown): { code: number; lines: string[] } => {
  const lines: string[] = [];
  return { code: reportError(e, (l) => lines.push(l)), lines };
};

describe('failure kinds', () => {
  it('declare exactly the typed failure classes, by their names', () => {
    assert.deepEqual(typed.map((e) => e.name).sort(), Object.keys(FAILURE_KINDS).sort());
  });

  it('give a command its exit code: bad input 2, a full disk 4, anything else 1 with its stack', () => {
    for (const e of typed) {
      const { code, lines } = exitOf(e);
      assert.equal(code, e instanceof DiskFullError ? EXIT_DISK_FULL : EXIT_BAD_INPUT, e.name);
      assert.ok(!lines.join('\n').includes('    at '), `${e.name} is printed without a stack`);
    }
    assert.deepEqual(exitOf(new ConfigError([problem])).lines, ['a.yaml:3:5: model.width: expected a number']);
    const bug = exitOf(new TypeError('x is undefined'));
    assert.equal(bug.code, EXIT_UNEXPECTED);
    assert.match(bug.lines.join('\n'), /TypeError: x is undefined\n\s+at /);
  });

  it('tell a failed trial of bad input by the type its error names', () => {
    assert.ok(isBadInputType('DatasetError'));
    assert.ok(isBadInputType('BackendError'));
    assert.ok(!isBadInputType('DiskFullError'));
    assert.ok(!isBadInputType('Error'));
    assert.ok(!isBadInputType('toString'));
    assert.ok(!isBadInputType(undefined));
  });

  it('make input that retrying cannot fix non-retryable, and retry what another worker may do', () => {
    for (const e of typed) {
      const f = toFailure(e, 3) as ApplicationFailure;
      assert.equal(f.type, e.name);
      assert.equal(f.nonRetryable, !(e instanceof BackendError || e instanceof OutputError), e.name);
      assert.deepEqual(f.details, [{ attempt: 3 }]);
      assert.equal(f.message, e.message);
    }
    const bug = toFailure(new TypeError('x is undefined'), 1) as ApplicationFailure;
    assert.equal(bug.type, 'TypeError');
    assert.equal(bug.nonRetryable, false);
    assert.ok(!(NON_RETRYABLE_TYPES as readonly string[]).includes('BackendError'));
  });

  it('keep an error from an executor thread its kind, by its name', () => {
    const data = toFailure(fromWire(toWire(new DatasetError('no such CSV'))), 1) as ApplicationFailure;
    assert.equal(data.type, 'DatasetError');
    assert.equal(data.nonRetryable, true);
    const full = toFailure(
      fromWire(toWire(new DiskFullError('the disk is full: no space left on /r (ENOSPC)'))),
      1,
    ) as ApplicationFailure;
    assert.equal(full.type, 'DiskFullError');
    assert.equal(full.message, 'the disk is full: no space left on /r (ENOSPC)', 'said once');
  });
});
