/**
 * Mutual TLS end to end. The dev server speaks plain gRPC, so HAProxy (scripts/setup.sh installs
 * it) terminates TLS in front of it with the config of docker-compose.yml's `tls` profile
 * (docker/tls/haproxy.cfg): it presents a server certificate, demands a client certificate signed
 * by the test CA, and negotiates ALPN h2. Certificates are made here with the openssl CLI.
 * A worker process (flags) and `run --address` (the Temporal CLI's environment variables) complete
 * a sweep through it; without a client certificate, with an untrusted CA, with a client certificate
 * of another CA, or without TLS, `run` and `worker` are refused with a clear message and exit 2.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../orchestration/dev-server.js';
import { expandGrid, loadConfig, sweepIdOf } from '../../src/config/index.js';
import { ROOT, runCli, startCli, tableFiles, waitFor, workdirWith, type CliRun } from './helpers/cli.js';
import { startServerFor, type TestServer } from './helpers/server.js';

const HAPROXY = process.env.HAPROXY_PATH ?? '/usr/sbin/haproxy';

/** A CA, a server certificate for localhost, a client certificate; a second CA and a client certificate it signed. */
function makeCertificates(dir: string): void {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  writeFileSync(
    path.join(dir, 'server.ext'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
  );
  writeFileSync(
    path.join(dir, 'client.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n',
  );
  for (const ca of ['ca', 'other-ca'])
    ssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${ca}.key`,
      '-out',
      `${ca}.pem`,
      '-days',
      '2',
      '-subj',
      `/CN=ntk-sweep test ${ca}`,
    );
  const leaf = (name: string, cn: string, ca: string, ext: string) => {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    ssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-extfile',
      ext,
    );
  };
  leaf('server', 'localhost', 'ca', 'server.ext');
  leaf('client', 'ntk-sweep worker', 'ca', 'client.ext');
  leaf('rogue', 'someone else', 'other-ca', 'client.ext');
}

async function listening(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(undefined));
  });
}

describe(
  'mutual TLS through a TLS-terminating proxy',
  { skip: !existsSync(HAPROXY) && `no haproxy at ${HAPROXY} (scripts/setup.sh installs it)` },
  () => {
    const home = workdirWith('pair.yaml');
    const certs = path.join(home.dir, 'certs');
    const file = (name: string) => path.join(certs, name);
    let server: TestServer;
    let proxy: ChildProcess;
    let address: string;
    const workers: CliRun[] = [];
    const mtlsFlags = () => [
      '--tls-ca',
      file('ca.pem'),
      '--tls-cert',
      file('client.pem'),
      '--tls-key',
      file('client.key'),
    ];

    before(async () => {
      mkdirSync(certs);
      makeCertificates(certs);
      server = await startServerFor(path.join(home.dir, 'server'));
      const port = await freePort();
      // The compose file's own proxy config (profile `tls`), pointed at this test's files, port and server.
      const tlsDir = path.join(certs, 'tls');
      mkdirSync(tlsDir);
      writeFileSync(
        path.join(tlsDir, 'server.pem'),
        readFileSync(file('server.pem')) + readFileSync(file('server.key'), 'utf8'),
      );
      copyFileSync(file('ca.pem'), path.join(tlsDir, 'ca.pem'));
      const cfg = readFileSync(path.join(ROOT, 'docker', 'tls', 'haproxy.cfg'), 'utf8')
        .replaceAll('/tls/', `${tlsDir}/`)
        .replace('bind :7234', `bind 127.0.0.1:${port}`)
        .replace('temporal:7233', server.server.address);
      assert.match(cfg, new RegExp(`bind 127\\.0\\.0\\.1:${port} ssl .*verify required alpn h2`));
      writeFileSync(path.join(certs, 'haproxy.cfg'), cfg);
      proxy = spawn(HAPROXY, ['-db', '-f', path.join(certs, 'haproxy.cfg')], { stdio: 'ignore' });
      await waitFor('haproxy to listen', () => listening(port), 20_000);
      address = `localhost:${port}`;
    });
    after(async () => {
      for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
      proxy?.kill('SIGKILL');
      await server?.stop();
      rmSync(home.dir, { recursive: true, force: true });
    });

    it('a worker (flags) and run --address (environment variables) complete a sweep through it', async () => {
      const w = startCli(['worker', '--address', address, ...mtlsFlags(), '--grace', '1'], {
        cwd: home.dir,
        timeoutMs: 600_000,
      });
      workers.push(w);
      await waitFor(
        'the worker to poll',
        () => (/ntk-sweep worker \(pid/.test(w.output().stderr) ? true : w.child.exitCode !== null ? false : undefined),
        120_000,
      );
      assert.equal(w.child.exitCode, null, w.output().stderr);

      const { dir } = workdirWith('pair.yaml');
      const runDir = path.join(dir, 'runs', 'pair');
      const loaded = loadConfig(path.join(dir, 'pair.yaml'));
      const ids = expandGrid(loaded)
        .map((p) => p.trialId)
        .sort();
      try {
        const env = {
          TEMPORAL_TLS_CA: file('ca.pem'),
          TEMPORAL_TLS_CERT: file('client.pem'),
          TEMPORAL_TLS_KEY: file('client.key'),
        };
        const r = await runCli(['run', 'pair.yaml', '--address', address, '--progress', 'lines'], { cwd: dir, env });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /completed: 4\/4 trials \(4 ok/);
        assert.deepEqual(
          tableFiles(runDir, 'trials'),
          ids.map((id) => `${id}.parquet`),
        );

        const status = await runCli(['status', sweepIdOf(loaded), '--address', address, ...mtlsFlags(), '--json'], {
          cwd: dir,
        });
        assert.equal(status.status, 0, status.stderr);
        assert.equal(JSON.parse(status.stdout).state, 'completed');
        // An API key rides along (the dev server does not check it): over mutual TLS, and in plain with TLS turned off.
        const withKey = await runCli(
          ['status', sweepIdOf(loaded), '--address', address, ...mtlsFlags(), '--api-key', 'k', '--json'],
          { cwd: dir },
        );
        assert.equal(withKey.status, 0, withKey.stderr);
        const plainKey = await runCli(['status', sweepIdOf(loaded), '--address', server.server.address, '--json'], {
          cwd: dir,
          env: { TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' },
        });
        assert.equal(plainKey.status, 0, plainKey.stderr);
        assert.equal(JSON.parse(plainKey.stdout).state, 'completed');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    const refusals: { what: string; flags: () => string[]; says: RegExp }[] = [
      {
        what: 'without a client certificate',
        flags: () => ['--tls-ca', file('ca.pem')],
        says: /requires a client certificate .*give --tls-cert and --tls-key/,
      },
      {
        what: 'trusting another CA',
        flags: () => [
          '--tls-ca',
          file('other-ca.pem'),
          '--tls-cert',
          file('client.pem'),
          '--tls-key',
          file('client.key'),
        ],
        says: /the server's certificate is not trusted .*--tls-ca/,
      },
      {
        what: 'with a client certificate of another CA',
        flags: () => ['--tls-ca', file('ca.pem'), '--tls-cert', file('rogue.pem'), '--tls-key', file('rogue.key')],
        says: /did not accept the client certificate \(.*unknown ca\)/,
      },
      { what: 'without TLS', flags: () => [], says: /it expects TLS: give --tls/ },
    ];
    for (const { what, flags, says } of refusals) {
      it(`run and worker ${what} are refused with a clear message, exit 2, nothing written`, async () => {
        const { dir } = workdirWith('pair.yaml');
        try {
          for (const args of [['run', 'pair.yaml'], ['worker']]) {
            const r = await runCli([...args, '--address', address, ...flags()], { cwd: dir, timeoutMs: 60_000 });
            assert.equal(r.status, 2, `${args[0]}: ${r.stderr}`);
            assert.match(r.stderr, new RegExp(`the Temporal server at ${address} refused the connection`), args[0]);
            assert.match(r.stderr, says, args[0]);
            assert.doesNotMatch(r.stderr, /\n\s+at /, `${args[0]}: no stack trace`);
          }
          assert.equal(existsSync(path.join(dir, 'runs')), false, 'no run folder');
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }

    it('TLS options without --address, or a missing certificate file, are named', async () => {
      const { dir } = workdirWith('pair.yaml');
      try {
        const r1 = await runCli(['run', 'pair.yaml', '--tls-cert', file('client.pem')], { cwd: dir });
        assert.equal(r1.status, 2, r1.stderr);
        assert.match(r1.stderr, /--tls-cert secures the connection to a cluster; give --address HOST:PORT/);
        const r2 = await runCli(['run', 'pair.yaml', '--address', address, '--tls-ca', file('nope.pem')], { cwd: dir });
        assert.equal(r2.status, 2, r2.stderr);
        assert.match(r2.stderr, /--tls-ca .*nope\.pem: no such file/);
        const r3 = await runCli(['worker', '--address', address, '--tls-cert', file('client.pem')], { cwd: dir });
        assert.equal(r3.status, 2, r3.stderr);
        assert.match(r3.stderr, /mutual TLS needs both --tls-cert and --tls-key/);
        assert.equal(existsSync(path.join(dir, 'runs')), false);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
