// Runs one benchmark in this process and prints its result as one JSON line.
import { peakRssMB, type BenchResult } from './harness.ts';
import { BENCHMARKS } from './registry.ts';

const bench = BENCHMARKS.find((b) => b.name === process.argv[2]);
if (!bench) throw new Error(`no benchmark ${process.argv[2]}`);
const m = await bench.run();
const result: BenchResult = {
  name: bench.name,
  value: m.value,
  unit: bench.unit,
  baseline: m.baseline,
  baselineValue: m.baselineValue,
  ratio: m.value / m.baselineValue,
  // The peak of this process, benchmark and baseline together, unless the benchmark ran the
  // measured work in a child and reports that child's peak.
  peakRssMB: m.peakRssMB ?? peakRssMB(),
  ...(m.details ? { details: m.details } : {}),
};
process.stdout.write(JSON.stringify(result) + '\n');
