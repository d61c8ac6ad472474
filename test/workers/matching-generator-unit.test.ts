import { describe, expect, it } from 'vitest';
import { generateDataset, HARD_NEGATIVE_KINDS } from '../../eval/generate';
import { BeaconUserRequestData } from '../../src/schemas/beacon-user';

describe('labelled data generator (eval/generate.ts)', () => {
  const dataset = generateDataset({ seed: 3, people: 400 });

  it('is deterministic for a seed', () => {
    expect(generateDataset({ seed: 3, people: 400 }).records).toEqual(dataset.records);
    expect(generateDataset({ seed: 4, people: 400 }).records).not.toEqual(dataset.records);
  });

  it('produces only identities the API accepts on /beacon/user/create (the evaluation’s dataset)', () => {
    for (const r of generateDataset({ seed: 1, people: 10_000 }).records) {
      const request = { ...r.identity, depository_accounts: r.identity.depository_accounts.map(({ account_number, routing_number }) => ({ account_number, routing_number })) };
      const parsed = BeaconUserRequestData.safeParse(request);
      expect(parsed.success, `${r.id} ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
  });

  it('labels originals, re-entries and every kind of hard negative', () => {
    const kinds = new Set(dataset.records.map((r) => r.kind));
    for (const kind of ['original', 'reentry', ...HARD_NEGATIVE_KINDS]) expect(kinds, kind).toContain(kind);
    const people = new Set(dataset.records.filter((r) => r.kind === 'original').map((r) => r.personId));
    expect(people.size).toBe(400);
    for (const r of dataset.records) {
      if (r.kind === 'reentry') expect(people).toContain(r.personId);
      if (HARD_NEGATIVE_KINDS.includes(r.kind)) {
        expect(people).not.toContain(r.personId);
        expect(people).toContain(r.anchorPersonId);
      }
    }
  });
});
