/**
 * Transport security options (connection/connection-options.ts): flags win over the Temporal
 * CLI's variables, TLS is on when anything asks for it, and files are read and checked with
 * messages that name the flag.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { isSecured, resolveSecurity, secureOptions } from '../../../connection/connection-options.js';
import { TemporalSetupError } from '../../../connection/errors.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('transport security options', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ntk-tls-opts-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const pem = (name: string, text = PEM) => {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it('flags win over the environment; empty variables count as unset', () => {
    const env = {
      TEMPORAL_TLS_CA: '/env/ca.pem',
      TEMPORAL_TLS_CERT: '',
      TEMPORAL_API_KEY: 'k-env',
      TEMPORAL_TLS_SERVER_NAME: 'env-name',
    };
    const s = resolveSecurity({ caFile: '/flag/ca.pem', serverName: undefined }, env);
    assert.deepEqual(s, {
      tls: undefined,
      certFile: undefined,
      keyFile: undefined,
      caFile: '/flag/ca.pem',
      serverName: 'env-name',
      apiKey: 'k-env',
    });
    assert.equal(resolveSecurity({}, { TEMPORAL_TLS: 'true' }).tls, true);
    assert.equal(resolveSecurity({ tls: false }, { TEMPORAL_TLS: 'true' }).tls, false);
    assert.throws(() => resolveSecurity({}, { TEMPORAL_TLS: 'maybe' }), /TEMPORAL_TLS=maybe: expected true or false/);
  });

  it('plain without options; TLS on with any of them; an API key alone means TLS with the system roots', () => {
    assert.equal(isSecured(resolveSecurity({}, {})), false);
    assert.deepEqual(secureOptions(resolveSecurity({}, {})), {});
    assert.deepEqual(secureOptions({ apiKey: 'k' }), { apiKey: 'k', tls: true });
    assert.deepEqual(secureOptions({ apiKey: 'k', tls: false }), { apiKey: 'k', tls: false });
    assert.deepEqual(secureOptions({ tls: true }), { tls: true });
    assert.deepEqual(secureOptions({ serverName: 'temporal.internal' }), {
      tls: { serverNameOverride: 'temporal.internal' },
    });
  });

  it('reads the PEM files of mutual TLS', () => {
    const o = secureOptions({
      caFile: pem('ca.pem'),
      certFile: pem('c.pem'),
      keyFile: pem('c.key', '-----BEGIN PRIVATE KEY-----\nx\n'),
    });
    const tls = o.tls as { serverRootCACertificate: Buffer; clientCertPair: { crt: Buffer; key: Buffer } };
    assert.equal(tls.serverRootCACertificate.toString(), PEM);
    assert.equal(tls.clientCertPair.crt.toString(), PEM);
    assert.match(tls.clientCertPair.key.toString(), /PRIVATE KEY/);
  });

  it('names the flag of a missing or non-PEM file, a certificate without its key, TLS files with TLS off', () => {
    const refuse = (s: Parameters<typeof secureOptions>[0], msg: RegExp) =>
      assert.throws(
        () => secureOptions(s),
        (e: unknown) => e instanceof TemporalSetupError && msg.test(e.message),
      );
    refuse({ caFile: path.join(dir, 'nope.pem') }, /--tls-ca .*nope\.pem: no such file/);
    refuse({ caFile: pem('text.pem', 'hello') }, /--tls-ca .*text\.pem: not a PEM file/);
    refuse({ certFile: pem('only.pem') }, /mutual TLS needs both --tls-cert and --tls-key .*only --tls-cert was given/);
    refuse({ keyFile: pem('only.key') }, /only --tls-key was given/);
    refuse({ tls: false, caFile: pem('ca2.pem') }, /TLS is turned off .* but TLS files or a server name were given/);
  });
});
