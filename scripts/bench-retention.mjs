#!/usr/bin/env node
// Benchmark: deciding retention for 10,000 backups (hourly for ~14 months) with every rule set. Runs against
// dist/ (npm run build first). Prints the median of several rounds; the contract is "well under a second".
import { performance } from 'node:perf_hooks';
import { decideRetention } from '../dist/retention/policy.js';

if (process.env.BENCH_ONLY === 'startup') process.exit(0); // only the start-up rows were asked for

const COUNT = 10_000;
const ROUNDS = 7;
const start = Date.UTC(2024, 0, 1);
const backups = Array.from({ length: COUNT }, (_, i) => {
  const time = new Date(start + i * 3_600_000 + (i % 7) * 60_000);
  return {
    name: `db-${time
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}Z$/, 'Z')}.sql.gz`,
    time,
  };
});
const policy = {
  keep_last: 3,
  keep_hourly: 24,
  keep_daily: 7,
  keep_weekly: 4,
  keep_monthly: 12,
  keep_yearly: 5,
  keep_within: 2 * 86_400_000,
};

const times = [];
let decision;
for (let round = 0; round < ROUNDS; round += 1) {
  const t0 = performance.now();
  decision = decideRetention(backups, policy);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(ROUNDS / 2)];
console.log(
  `retention: ${COUNT} backups, keep ${decision.keep.length} / delete ${decision.remove.length}: ` +
    `median ${median.toFixed(1)} ms, worst ${times[ROUNDS - 1].toFixed(1)} ms (${ROUNDS} rounds)`,
);
