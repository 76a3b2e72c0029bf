// Child process of bench/data/run.ts --dist: runs the compiled pipeline (dist/) in plain node,
// without tsx, as the installed CLI does, so worker threads start plain JS. Not a CLI; prints
// one JSON line {seconds, cpu} (cpu = user + system seconds of every thread of this process,
// measured around the run only, after the driver's own imports).
// Run: `node bench/data/dist-run.mjs <inputDir> <outDir> <workers> [ranks]` (`npm run build` first).
const [inDir, out, workers, ranks = '2'] = process.argv.slice(2);
const { runDataPipeline } = await import(new URL('../../dist/data/index.js', import.meta.url).href);
const c0 = process.cpuUsage();
const t0 = performance.now();
await runDataPipeline({ ranks: Number(ranks), workers: Number(workers) }, { inputs: [inDir], out });
const c = process.cpuUsage(c0);
console.log(JSON.stringify({ seconds: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 }));
