import { describe, expect, it } from 'vitest';
import { assertReviewAllowed, reviewOptions } from '../../src/domain/beacon-users/review';

const allowed = (facts: { hasActiveReport: boolean; hasConfirmedSyndication: boolean }) =>
  Object.fromEntries(reviewOptions(facts).map(({ status, refusal }) => [status, refusal === null]));

describe('the review rules, as options', () => {
  it('say which statuses each set of facts allows', () => {
    expect(allowed({ hasActiveReport: false, hasConfirmedSyndication: false })).toEqual({ rejected: false, pending_review: true, cleared: true });
    expect(allowed({ hasActiveReport: true, hasConfirmedSyndication: false })).toEqual({ rejected: true, pending_review: true, cleared: false });
    expect(allowed({ hasActiveReport: false, hasConfirmedSyndication: true })).toEqual({ rejected: true, pending_review: true, cleared: false });
  });

  it('refuse with the rule that the option shows', () => {
    const facts = { hasActiveReport: false, hasConfirmedSyndication: false };
    const rejected = reviewOptions(facts).find((o) => o.status === 'rejected')!.refusal!;
    expect(() => assertReviewAllowed('rejected', facts)).toThrow(`${rejected.rule}; ${rejected.remedy}`);
    expect(() => assertReviewAllowed('cleared', facts)).not.toThrow();
  });
});
