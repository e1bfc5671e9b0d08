/**
 * `npm run bench:charts`: redraws the charts in docs/ from the committed
 * bench/results.json, without running the bench (after a change to
 * bench/charts.ts, say).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPOSITORY_ROOT } from '@chirp/platform';
import { RESULTS_FILE, writeCharts, type ChartedResults } from './charts';

const results = JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, RESULTS_FILE), 'utf8')) as ChartedResults;
for (const file of writeCharts(results)) console.log(`wrote ${file}`);
