// What every browser test file shares: the binary under test, an
// environment that cannot reach the developer's own data, and Debian's
// Chromium launched headless with the flags the README's test command uses.

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.CRACKDOWN_BIN ?? resolve(here, '../../target/debug/crackdown');
const BROWSER = process.env.CRACKDOWN_CHROMIUM ?? '/usr/bin/chromium';

/// The test process's environment without settings that would point the
/// binary at another database, data directory or public URL.
export const ENV = { ...process.env };
delete ENV.CRACKDOWN_DATABASE_URL;
delete ENV.CRACKDOWN_DATA;
delete ENV.CRACKDOWN_PUBLIC_URL;

/// Headless Chromium; `localhost` resolves to the loopback server.
export function launchChromium() {
  return chromium.launch({
    executablePath: BROWSER,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--host-resolver-rules=MAP localhost 127.0.0.1',
    ],
  });
}

/// `crackdown --data DATA serve` on a free loopback port; resolves to the
/// process and the origin it announces (http://localhost:PORT).
export async function startServer(data, extra = []) {
  const { spawn } = await import('node:child_process');
  const server = spawn(BIN, ['--data', data, 'serve', '--listen', '127.0.0.1:0', ...extra], { stdio: ['ignore', 'ignore', 'pipe'], env: ENV });
  const origin = await new Promise((resolveOrigin, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${seen}`)), 20000);
    server.stderr.on('data', (chunk) => {
      seen += chunk;
      const found = seen.match(/UI at (http:\/\/localhost:\d+)\//);
      if (found) {
        clearTimeout(timer);
        resolveOrigin(found[1]);
      }
    });
    server.on('exit', (code) => reject(new Error(`server exited ${code}: ${seen}`)));
  });
  return { server, origin };
}
