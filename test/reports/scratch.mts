import { writeReportXlsx } from '../../src/reports/index.ts';
import { aSummary, manyIssues } from './builders.ts';
const issues = manyIssues(300000);
const t = Date.now();
await writeReportXlsx('/tmp/big/r.xlsx', { summary: aSummary(), issues, locale: 'ja' });
console.log('xlsx ms', Date.now() - t, 'rss MB', Math.round(process.memoryUsage().rss / 1e6));
