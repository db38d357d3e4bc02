import { Command, Option } from 'commander';
import { createPlant } from '../sim/index.js';
import { callApi, resolveToken } from './api-client.js';
import { dataDirOption, parsePositiveInt, tokenOption, urlOption } from './options.js';
import { simCameraCommand } from './sim-camera-command.js';
import { modbusMapCommand, simProtocolOptions, startSimProtocols, type SimProtocolOpts } from './sim-protocols.js';
import { opcuaPkiOption, opcuaPortOption, serveOpcua, type SimOpcuaOpts } from './sim-opcua.js';
import { formatTable } from './table.js';

export function simCommand(): Command {
  const cmd = new Command('sim').description('the simulated plant: run it standalone, list its signals, inject faults into a running node');
  const run = cmd
    .command('run', { isDefault: true })
    .description('run the plant on its own and print chosen signals every second')
    .addOption(new Option('--seed <n>', 'seed (same seed, same plant)').env('FABRIK_SEED').default(42).argParser(parsePositiveInt))
    .addOption(new Option('--lines <n>', 'bottling lines').default(1).argParser(parsePositiveInt))
    .option('--signals <list>', 'comma-separated signal addresses to print', 'line1.filler.state,line1.filler.product_temp,line1.filler.fill_volume,cnc1.lathe.part_diameter,utilities.compressor1.pressure')
    .addOption(new Option('--duration <seconds>', 'stop after this many seconds').argParser(parsePositiveInt))
    .addOption(opcuaPortOption())
    .addOption(opcuaPkiOption());
  simProtocolOptions(run).action(async (opts: SimProtocolOpts & SimOpcuaOpts & { seed: number; lines: number; signals: string; duration?: number }) => {
      const plant = createPlant({ seed: opts.seed, lines: opts.lines, startTime: Date.now() });
      const served = await startSimProtocols(plant, opts);
      const opcua = await serveOpcua(plant, opts);
      for (const line of served.lines) process.stderr.write(`${line}\n`);
      const wanted = opts.signals.split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = wanted.filter((a) => !plant.has(a));
      if (unknown.length) throw new Error(`unknown signal(s): ${unknown.join(', ')} (list them with: fabrik sim signals)`);
      process.stdout.write(`${['time', ...wanted].join('\t')}\n`);
      const started = Date.now();
      await new Promise<void>((done) => {
        const timer = setInterval(() => {
          plant.advanceTo(Date.now());
          const row = wanted.map((a) => String(plant.read(a)));
          process.stdout.write(`${new Date(plant.time).toISOString().slice(11, 19)}\t${row.join('\t')}\n`);
          if (opts.duration && Date.now() - started >= opts.duration * 1000) {
            clearInterval(timer);
            done();
          }
        }, 1000);
        process.once('SIGINT', () => {
          clearInterval(timer);
          done();
        });
      });
      await served.close();
      await opcua?.stop();
    });
  cmd
    .command('signals')
    .description('list the plant signals (addresses to bind tags to)')
    .addOption(new Option('--lines <n>', 'bottling lines').default(1).argParser(parsePositiveInt))
    .action((opts: { lines: number }) => {
      const plant = createPlant({ lines: opts.lines });
      const rows = plant.signals().map((s) => [s.address, s.unit, s.type, `${s.low}..${s.high}`, s.assetPath, s.description]);
      process.stdout.write(`${formatTable(['address', 'unit', 'type', 'range', 'asset', 'description'], rows, 60)}\n`);
    });
  const fault = cmd.command('fault').description("inject or clear faults in a running node's simulator (engineer token)");
  fault
    .command('add')
    .description('inject a fault, e.g. fabrik sim fault add cnc1.lathe.part_diameter step --magnitude 0.02')
    .argument('<signal>', 'signal address (= tag id in the demo)')
    .argument('<type>', 'drift | step | spike | stuck | noise')
    .option('--magnitude <x>', 'step offset, spike size or noise sigma (engineering units)', Number)
    .option('--rate <x>', 'drift rate in engineering units per minute', Number)
    .option('--duration <seconds>', 'how long the fault lasts (default: until cleared)', Number)
    .addOption(urlOption())
    .addOption(tokenOption())
    .addOption(dataDirOption().default('data/demo'))
    .action(async (signal: string, type: string, opts: { magnitude?: number; rate?: number; duration?: number; url: string; token?: string; dataDir: string }) => {
      const body = { signal, type, magnitude: opts.magnitude, rate: opts.rate, ...(opts.duration ? { durationMs: opts.duration * 1000 } : {}) };
      const res = await callApi(opts.url, resolveToken(opts.token, opts.dataDir), '/api/v1/sim/faults', { body });
      process.stdout.write(`${(res.body as { id: string }).id}\n`);
    });
  fault
    .command('list')
    .description('list active faults')
    .addOption(urlOption())
    .addOption(tokenOption())
    .addOption(dataDirOption().default('data/demo'))
    .action(async (opts: { url: string; token?: string; dataDir: string }) => {
      const res = await callApi(opts.url, resolveToken(opts.token, opts.dataDir), '/api/v1/sim/faults');
      process.stdout.write(`${JSON.stringify((res.body as { faults: unknown[] }).faults, null, 2)}\n`);
    });
  fault
    .command('clear')
    .description('clear a fault by id')
    .argument('<id>')
    .addOption(urlOption())
    .addOption(tokenOption())
    .addOption(dataDirOption().default('data/demo'))
    .action(async (id: string, opts: { url: string; token?: string; dataDir: string }) => {
      await callApi(opts.url, resolveToken(opts.token, opts.dataDir), `/api/v1/sim/faults/${encodeURIComponent(id)}`, { method: 'DELETE' });
      process.stderr.write(`cleared ${id}\n`);
    });
  cmd.addCommand(simCameraCommand());
  cmd.addCommand(modbusMapCommand());
  return cmd;
}
