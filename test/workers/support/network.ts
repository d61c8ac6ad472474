import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import worker from '../../../src';
import type { FanoutPage } from '../../../src/domain/reports/fanout';
import type { Env } from '../../../src/env';
import { expect } from 'vitest';
import { api, newClient, newProgram, type Credentials } from './api';
import { inUserShards, writeInUserShards } from './storage';

/** Runs the Worker's consumer of `queue` on `bodies` (ids m0, m1, …), as Queues would, and
 * returns what it acked and retried. */
export async function runQueue<T>(queue: string, bodies: T[], on: Env = env) {
  const batch = createMessageBatch<T>(
    queue,
    bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<never>, on);
  return getQueueResult(batch, ctx);
}

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

/** How many of a report's matches were held beyond the bound on repeated matches. */
export async function heldCount(reportId: string): Promise<number> {
  return (await env.CONTROL_DB.prepare('SELECT COUNT(*) AS n FROM held_matches WHERE report_id = ?').bind(reportId).first<{ n: number }>())!.n;
}

/** How many users a report has reached: syndicated, or held beyond the bound. */
export async function reachedCount(reportId: string): Promise<number> {
  return (await syndicationCount(reportId)) + (await heldCount(reportId));
}

/** Forgets every user a report has reached — its syndications, held matches and the counts
 * of its reported user — so that a test can replay its fan-out. */
export async function forgetReached(reportId: string, reportedUserId: string): Promise<void> {
  await writeInUserShards('DELETE FROM report_syndications WHERE report_id = ?', reportId);
  await env.CONTROL_DB.batch([
    env.CONTROL_DB.prepare('DELETE FROM held_matches WHERE report_id = ?').bind(reportId),
    env.CONTROL_DB.prepare('DELETE FROM network_match_counts WHERE reported_user_id = ?').bind(reportedUserId),
  ]);
}

/** A new member company with one program (`settings` as given). */
export async function member(settings?: Record<string, unknown>) {
  const client = await newClient();
  return { client, program: await newProgram(client, settings) };
}

/** Reports a client's user to the network; returns the report. */
export async function report(client: Credentials, beaconUserId: string, facts = { type: 'stolen', fraud_date: '2024-03-01' }) {
  const answer = await api(client, '/beacon/report/create', { beacon_user_id: beaconUserId, ...facts });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

/** The syndications a client sees on its user. */
export const syndicationsOf = async (client: Credentials, beaconUserId: string) =>
  (await api(client, '/beacon/report_syndication/list', { beacon_user_id: beaconUserId })).body.beacon_report_syndications as any[];
