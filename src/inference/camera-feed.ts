import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BottleCamera, encodeRgbPng } from '../sim/index.js';
import type { CameraStation } from './camera-station.js';
import { errorMessage } from './errors.js';
import { FolderWatch } from './folder-watch.js';

/** What feeds a station its pictures; `stop` waits for the picture in hand. */
export interface CameraFeed {
  stop(): Promise<void>;
  /** Why the last picture could not be inspected, if it could not. */
  lastError(): string | null;
}

/**
 * Starts the source a camera's config names: a folder the vision system drops
 * files into (the file name is the part id), or the built-in simulated
 * camera. Upload-only cameras need no feed: the API hands pictures over.
 */
export async function startCameraFeed(station: CameraStation, opts: { dataDir: string; onError: (err: unknown, what: string) => void }): Promise<CameraFeed | null> {
  const src = station.config.source;
  let last: string | null = null;
  if (src.type === 'folder') {
    const dir = path.isAbsolute(src.path) ? src.path : path.resolve(src.path);
    const watch = new FolderWatch({
      dir,
      intervalMs: src.interval,
      after: src.after,
      onFile: async (file, name) => {
        const bytes = await readFile(file);
        try {
          await station.inspect({ bytes, partId: partIdOf(name), source: 'folder' });
          last = null;
          return 'done';
        } catch (err) {
          last = `${name}: ${errorMessage(err)}`;
          opts.onError(err, `camera ${station.config.id}: ${name}`);
          return 'rejected';
        }
      },
      onError: (err) => opts.onError(err, `camera ${station.config.id}: scanning ${dir}`),
    });
    await watch.start();
    return { stop: () => watch.stop(), lastError: () => last ?? watch.lastError };
  }
  if (src.type === 'sim') {
    const camera = new BottleCamera({ seed: src.seed, defectRate: src.defectRate, width: src.width, height: src.height, partPrefix: `${station.config.id}-bottle` });
    let inFlight: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      const shot = camera.capture();
      inFlight = station
        .inspect({ bytes: encodeRgbPng(shot.rgb, shot.width, shot.height), partId: shot.partId, source: 'sim', truth: shot.label })
        .then(
          () => (last = null),
          (err: unknown) => {
            last = errorMessage(err);
          },
        );
    }, src.interval);
    timer.unref();
    return {
      stop: async () => {
        clearInterval(timer);
        await inFlight;
      },
      lastError: () => last,
    };
  }
  return null;
}

/** The part id a file name carries: its name without the extension, limited to safe characters. */
export function partIdOf(name: string): string {
  const base = name.replace(/\.[^.]+$/, '');
  return base.replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, 128) || 'unknown';
}
