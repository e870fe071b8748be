/**
 * The shell and Python code blocks of the Markdown docs, and running them as a user would.
 *
 * A block is run unless the line before its fence is `<!-- doc-test: skip (REASON) -->`. Shell
 * blocks run under `bash -e -o pipefail` with `npx ntk-sweep` and `ntk-sweep` meaning this
 * checkout's CLI; Python blocks with the project's .venv. Both run in a work folder prepared by the
 * caller (where `runs/NAME` and friends point at a real run folder), in document order.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PYTHON, ROOT } from '../helpers/python.js';

export interface Snippet {
  /** The Markdown file, relative to the repository (or as given). */
  file: string;
  /** Line of the opening fence (1-based). */
  line: number;
  lang: 'sh' | 'python';
  code: string;
  /** Why it is not run, from its marker. */
  skip?: string;
}

const SHELL = new Set(['sh', 'bash', 'shell']);
const PY = new Set(['python', 'py']);
const SKIP = /^<!--\s*doc-test:\s*skip\s*\((.+)\)\s*-->$/;

/** The shell and Python blocks of one Markdown file, in order. */
export function snippetsOf(file: string, shownAs = file): Snippet[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]);
    if (!open) continue;
    let j = i + 1;
    while (j < lines.length && !/^```\s*$/.test(lines[j])) j++;
    const lang = SHELL.has(open[1]) ? 'sh' : PY.has(open[1]) ? 'python' : undefined;
    if (lang) {
      const marker = i > 0 ? SKIP.exec(lines[i - 1].trim()) : null;
      out.push({ file: shownAs, line: i + 1, lang, code: lines.slice(i + 1, j).join('\n'), skip: marker?.[1] });
    }
    i = j;
  }
  return out;
}

/** Puts `npx ntk-sweep` and `ntk-sweep` (this checkout's CLI) first on a PATH in `dir`/bin. */
export function cliShims(dir: string): string {
  const bin = path.join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const cli = `exec "${process.execPath}" "${path.join(ROOT, 'bin', 'ntk-sweep.js')}" "$@"`;
  writeFileSync(path.join(bin, 'ntk-sweep'), `#!/bin/sh\n${cli}\n`);
  writeFileSync(
    path.join(bin, 'npx'),
    `#!/bin/sh\nif [ "$1" = ntk-sweep ]; then shift; ${cli}; fi\nPATH="${process.env.PATH}" exec npx "$@"\n`,
  );
  chmodSync(path.join(bin, 'ntk-sweep'), 0o755);
  chmodSync(path.join(bin, 'npx'), 0o755);
  return bin;
}

export interface SnippetRun {
  ok: boolean;
  /** `README.md:31 (sh), line 35: exit 2` and the output, for the failure message. */
  report: string;
}

/** Runs one snippet in `cwd` with `bin` (from {@link cliShims}) first on the PATH. */
export function runSnippet(s: Snippet, cwd: string, bin: string, timeoutMs = 180_000): SnippetRun {
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, NODE_OPTIONS: '' };
  const where = `${s.file}:${s.line} (${s.lang})`;
  let r;
  if (s.lang === 'sh') {
    // The failing line, as a line of the Markdown file.
    const prelude = `trap 'echo "doc-test: failed at ${s.file}:$(( ${s.line} + LINENO - 1 ))" >&2' ERR\n`;
    r = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', prelude + s.code], {
      cwd,
      env,
      encoding: 'utf8',
      timeout: timeoutMs,
    });
  } else {
    // Named after the block, so that a traceback points at it: line n of the file is line s.line + n.
    const script = path.join(cwd, `${path.basename(s.file)}-line-${s.line}.py`);
    writeFileSync(script, s.code);
    r = spawnSync(PYTHON, [script], { cwd, env, encoding: 'utf8', timeout: timeoutMs });
  }
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  const ok = r.status === 0 && !r.error;
  const why = r.error ? String(r.error) : `exit ${r.status}`;
  const body = s.code
    .split('\n')
    .map((l, i) => `  ${String(s.line + 1 + i).padStart(4)} | ${l}`)
    .join('\n');
  return {
    ok,
    report: ok ? where : `${where}: ${why}\n${body}\n--- output (last 3000 characters) ---\n${out.slice(-3000)}`,
  };
}
