// The dispatcher: help, unknown commands, usage errors (exit 2) and typed errors (exit 1, message + hint).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../engine/testing/fixtures.node';
import { COMMANDS, main } from './main';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { write: (s: string) => (out += s) }, { write: (s: string) => (err += s) });
  return { code, out, err };
}

describe('mergelab main', () => {
  it('--help lists every registered command and exits 0', async () => {
    const { code, out } = await cli('--help');
    expect(code).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(out).toContain(`  ${name} `);
  });

  it('no command or an unknown one is a usage error (exit 2)', async () => {
    expect((await cli()).code).toBe(2);
    const { code, err } = await cli('frobnicate');
    expect(code).toBe(2);
    expect(err).toMatch(/unknown command "frobnicate"[\s\S]*inspect <path>/);
  });

  it('a command\'s usage error exits 2 with the hint', async () => {
    const { code, err } = await cli('inspect');
    expect(code).toBe(2);
    expect(err).toMatch(/mergelab inspect: give the path of a checkpoint\.\nhint: usage: mergelab inspect <path>/);
  });

  it('runs as `npm run mergelab` does (tsx, a real process): inspect a fixture, exit 0', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'inspect', fixturePath('tiny-a')], { encoding: 'utf8', cwd: ROOT });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, name: 'tiny-a', paramCount: 115_712 });
  });
});
