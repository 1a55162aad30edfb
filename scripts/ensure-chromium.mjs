#!/usr/bin/env node
/**
 * Finds the Chromium the e2e tests drive: $CHROME_PATH, else Debian's /usr/bin/chromium. When it
 * is missing and we are root on a Debian-like system, installs Debian's `chromium` with apt-get;
 * otherwise stops with a message saying how to install it or which variable to set.
 * Usable as a module (ensureChromium() → path) or run directly (prints the path).
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export class ChromiumMissing extends Error {}

function find() {
  const env = process.env.CHROME_PATH;
  if (env) {
    if (existsSync(env)) return env;
    throw new ChromiumMissing(`CHROME_PATH is set to "${env}", but no file is there. Point it at a Chrome or Chromium executable, or unset it to use /usr/bin/chromium.`);
  }
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

function run(cmd, args) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) throw new ChromiumMissing(`"${cmd} ${args.join(' ')}" failed (exit ${r.status ?? r.signal}). Install Chromium yourself (apt-get install -y chromium) or set CHROME_PATH to a Chrome or Chromium executable.`);
}

/** Returns the Chromium executable path, installing Debian's chromium when root; throws ChromiumMissing. */
export function ensureChromium() {
  const found = find();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (isRoot && hasApt) {
    console.log('Chromium is not installed; installing Debian\'s chromium for the e2e tests (a minute or two)…');
    run('apt-get', ['update']);
    run('apt-get', ['install', '-y', 'chromium']);
    const installed = find();
    if (installed) return installed;
    throw new ChromiumMissing('apt-get installed chromium, but /usr/bin/chromium is still missing. Set CHROME_PATH to a Chrome or Chromium executable.');
  }
  throw new ChromiumMissing(
    'The e2e tests need Chromium, and none was found at /usr/bin/chromium.\n'
    + '  Install it:  sudo apt-get update && sudo apt-get install -y chromium   (Debian/Ubuntu)\n'
    + '  or point CHROME_PATH at a Chrome/Chromium executable:  CHROME_PATH=/path/to/chrome npm test',
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    console.log(`chromium: ${ensureChromium()}`);
  } catch (e) {
    console.error(e instanceof ChromiumMissing ? e.message : e);
    process.exit(1);
  }
}
