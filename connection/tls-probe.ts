/**
 * Why a TLS connection is refused, in words. The gRPC clients say little ("Failed to connect
 * before the deadline", "broken pipe"), so after a failed connection this dials the address once
 * more with Node's TLS and the same certificates, and reads what the handshake says: an untrusted
 * server certificate, a client certificate that is missing or not trusted, a server that does not
 * speak TLS — or, for a plain connection, a server that expects TLS.
 */
import { isIP } from 'node:net';
import tls from 'node:tls';
import type { SecureOptions } from './connection-options.js';

/** What the probe found; undefined when the handshake went through (the refusal is elsewhere) or nothing answered. */
export async function probeRefusal(
  address: string,
  secure: SecureOptions,
  timeoutMs = 3000,
): Promise<string | undefined> {
  const i = address.lastIndexOf(':');
  const host = address.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(address.slice(i + 1));
  const plain = secure.tls === undefined;
  const cfg = typeof secure.tls === 'object' ? secure.tls : {};
  const servername = cfg.serverNameOverride ?? (isIP(host) ? undefined : host);
  return new Promise((resolve) => {
    let settled = false;
    const done = (why: string | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(why);
    };
    const socket = tls.connect({
      host,
      port,
      servername,
      ALPNProtocols: ['h2'],
      // A plain client only asks whether the server speaks TLS at all.
      rejectUnauthorized: !plain,
      ...(cfg.serverRootCACertificate ? { ca: Buffer.from(cfg.serverRootCACertificate) } : {}),
      ...(cfg.clientCertPair
        ? { cert: Buffer.from(cfg.clientCertPair.crt), key: Buffer.from(cfg.clientCertPair.key) }
        : {}),
    });
    const timer = setTimeout(() => done(undefined), timeoutMs);
    let handshaken = false;
    socket.on('secureConnect', () => {
      handshaken = true;
      if (plain) return done('it expects TLS: give --tls (and --tls-ca, --tls-cert, --tls-key as the server requires)');
      // TLS 1.3 servers check the client certificate after the client's handshake ends: wait for their verdict.
      setTimeout(() => done(undefined), 500);
    });
    socket.on('data', () => {});
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (plain || e.code === 'ECONNREFUSED') return done(undefined);
      // OpenSSL's text is "…:SSL routines:<function>:<reason>:<source file>…": keep the reason.
      e.message = /SSL routines:[^:]*:([^:]+)/.exec(e.message)?.[1] ?? e.message;
      done(
        handshaken ? clientCertVerdict(e.message, !!cfg.clientCertPair) : serverCertVerdict(e, !!cfg.clientCertPair),
      );
    });
    socket.on('close', () => {
      if (!plain && handshaken) done(clientCertVerdict('the server closed the connection', !!cfg.clientCertPair));
    });
  });
}

function serverCertVerdict(e: NodeJS.ErrnoException, certGiven: boolean): string {
  if (/wrong version number|packet length too long|unexpected eof|ECONNRESET/i.test(`${e.code} ${e.message}`)) {
    return `the TLS handshake failed (${e.message}): does the server speak TLS on this port?`;
  }
  // An alert from the server during the handshake (TLS 1.2) is its verdict on the client certificate.
  if (/alert/i.test(e.message)) return clientCertVerdict(e.message, certGiven);
  return `the server's certificate is not trusted (${e.message}); give the CA that signed it with --tls-ca, or the name on it with --tls-server-name`;
}

function clientCertVerdict(why: string, certGiven: boolean): string {
  return certGiven
    ? `the server did not accept the client certificate (${why}); is --tls-cert signed by a CA the server trusts?`
    : `the server requires a client certificate (${why}); give --tls-cert and --tls-key`;
}
