import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, Option } from 'commander';
import { parseDuration } from '../core/index.js';
import { BottleCamera, encodeRgbPng } from '../sim/index.js';
import { parsePositiveInt } from './options.js';

/** `fabrik sim camera`: plays a vision system that drops bottle pictures into a folder (what a folder camera watches). */
export function simCameraCommand(): Command {
  return new Command('camera')
    .description('write simulated bottle pictures (PNG, labelled in a labels.csv) into a folder, all at once or one per --interval')
    .requiredOption('--out <dir>', 'folder to write to (a folder camera’s path)')
    .addOption(new Option('--count <n>', 'pictures to write').default(20).argParser(parsePositiveInt))
    .addOption(new Option('--seed <n>', 'seed (same seed, same pictures)').default(7).argParser(parsePositiveInt))
    .addOption(new Option('--defect-rate <r>', 'share of defective bottles, 0..1').default(0.1).argParser(Number))
    .option('--interval <duration>', 'one picture per interval (e.g. 2s), like a line; default: all at once')
    .action(async (opts: { out: string; count: number; seed: number; defectRate: number; interval?: string }) => {
      const every = opts.interval ? parseDuration(opts.interval) : 0;
      if (every === null) throw new Error(`--interval "${opts.interval}" is not a duration like 500ms or 2s`);
      const camera = new BottleCamera({ seed: opts.seed, defectRate: opts.defectRate });
      await mkdir(opts.out, { recursive: true });
      const labels = ['file,label'];
      for (let i = 0; i < opts.count; i++) {
        const shot = camera.capture();
        const name = `${shot.partId}.png`;
        // Written under a temporary name and renamed, as a careful vision system does.
        const tmp = path.join(opts.out, `.${name}.part`);
        await writeFile(tmp, encodeRgbPng(shot.rgb, shot.width, shot.height));
        await rename(tmp, path.join(opts.out, name));
        labels.push(`${name},${shot.label}`);
        process.stdout.write(`${name}\t${shot.label}\n`);
        if (every && i < opts.count - 1) await new Promise((r) => setTimeout(r, every));
      }
      await writeFile(path.join(opts.out, 'labels.csv'), `${labels.join('\n')}\n`);
    });
}
