import { spawn } from 'node:child_process';

/**
 * Opens the dashboard in the desktop's browser, as `npm start` promises, but
 * only for a person at a terminal: never on CI, over SSH without a display, or
 * when the output goes to a file or a test. Failing to open is not an error:
 * the banner printed the address already.
 */
export function openDashboard(url: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!process.stdout.isTTY || env['CI'] === 'true' || env['FABRIK_NO_OPEN']) return false;
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  if (process.platform === 'linux' && !env['DISPLAY'] && !env['WAYLAND_DISPLAY']) return false;
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true, env });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}
