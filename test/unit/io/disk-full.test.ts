/**
 * Naming a full disk (src/io/disk-full.ts) and its failure type (activities/failures.ts): ENOSPC,
 * also when a layer kept only its text, becomes DiskFullError — non-retryable, with a message that
 * names the mount point holding the file and its free space.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { toFailure } from '../../../activities/failures.js';
import { DiskFullError, OutputError } from '../../../src/errors.js';
import { diskFullError, isDiskFull, mountOf } from '../../../src/io/disk-full.js';
import { DISK_FULL_FAILURE, NON_RETRYABLE_TYPES } from '../../../src/failure-kinds.js';

const enospc = (): NodeJS.ErrnoException =>
  Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });

describe('a full disk', () => {
  it('is recognised from the errno, a cause, or a message that kept only the text', () => {
    assert.ok(isDiskFull(enospc()));
    assert.ok(isDiskFull(Object.assign(new Error('quota'), { code: 'EDQUOT' })));
    assert.ok(isDiskFull(new Error('wrapped', { cause: enospc() })));
    assert.ok(
      isDiskFull(new OutputError('cannot create the checkpoint folder /x: ENOSPC: no space left on device, mkdir')),
    );
    assert.ok(!isDiskFull(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' })));
  });

  it('is named by the mount point that holds the file, with its free space', () => {
    const m = mountOf('/proc/self');
    assert.deepEqual(m, { mount: '/proc', type: 'proc' });
    const e = diskFullError('/proc/self/no-such-dir/trials/x.parquet');
    assert.ok(e instanceof DiskFullError);
    assert.match(
      e.message,
      /^the disk is full: no space left on \/proc \(proc, [\d.]+ [MG]iB free of [\d.]+ [MG]iB\) to write \/proc\/self\/no-such-dir\/trials\/x\.parquet \(ENOSPC\)$/,
    );
  });

  it('is a non-retryable DiskFullError failure for the workflow, declared with the other types', () => {
    assert.ok((NON_RETRYABLE_TYPES as readonly string[]).includes(DISK_FULL_FAILURE));
    const named = toFailure(diskFullError('/tmp/x.parquet'), 2) as ApplicationFailure;
    assert.equal(named.type, DISK_FULL_FAILURE);
    assert.equal(named.nonRetryable, true);
    assert.deepEqual(named.details, [{ attempt: 2 }]);
    const raw = toFailure(
      new OutputError('cannot create the folder /r/kernels: ENOSPC: no space left on device'),
      1,
    ) as ApplicationFailure;
    assert.equal(raw.type, DISK_FULL_FAILURE);
    assert.equal(raw.nonRetryable, true);
    assert.match(raw.message, /^the disk is full: cannot create the folder \/r\/kernels/);
    const other = toFailure(new Error('boom'), 1) as ApplicationFailure;
    assert.equal(other.nonRetryable, false);
  });
});
