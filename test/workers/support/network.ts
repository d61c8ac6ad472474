import type { FanoutPage } from '../../../src/domain/reports/fanout';
import { inUserShards } from './storage';

/** The first page of a report's fan-out in each user shard (pass 1), as its progress rows
 * recorded them when the report was made. */
export async function firstPages(reportId: string): Promise<FanoutPage[]> {
  const rows = await inUserShards<{ page: string }>('SELECT page FROM report_fanouts WHERE report_id = ? AND pass = 1 ORDER BY shard', reportId);
  return rows.map((r) => ({ ...(JSON.parse(r.page) as FanoutPage), after: null }));
}

/** How many syndications a report has made, in every shard. */
export async function syndicationCount(reportId: string): Promise<number> {
  const rows = await inUserShards<{ n: number }>('SELECT COUNT(*) AS n FROM report_syndications WHERE report_id = ?', reportId);
  return rows.reduce((sum, r) => sum + r.n, 0);
}
