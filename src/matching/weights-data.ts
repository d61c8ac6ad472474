/** m and u probabilities of match weights (weights.ts), and the prior. Written by
 * `npm run eval:fit-weights -- --people 10000 --seed 7 --random-pairs 1000000` (eval/fit-weights.ts):
 * u from 1,000,000 random pairs of different people of the labelled generator
 * (add-one); m from its 4,516 labelled true pairs (add-one); the prior is the share of true
 * pairs among the 5,641 pairs its checks compare. An EM fit (m and prior, u fixed) over the
 * compared pairs is kept for comparison (prior 0.993773). Do not edit by hand. */
import type { WeightsData } from './weights';

export const WEIGHTS_DATA: WeightsData = {
  prior: 0.799504,
  fields: {
    name: {
      m: {
        match: 0.672494,
        partial_match: 0.312237,
        no_match: 0.0152689,
      },
      u: {
        match: 0.0000249999,
        partial_match: 0.0000189999,
        no_match: 0.999956,
      },
    },
    date_of_birth: {
      m: {
        match: 0.758821,
        partial_match: 0.207105,
        no_match: 0.0340744,
      },
      u: {
        match: 0.0000296375,
        partial_match: 0.001045,
        no_match: 0.998925,
      },
    },
    address: {
      m: {
        match: 0.778336,
        partial_match: 0.10134,
        no_match: 0.120324,
      },
      u: {
        match: 0.0000117785,
        partial_match: 0.00000130873,
        no_match: 0.999987,
      },
    },
    email_address: {
      m: {
        match: 0.823415,
        partial_match: 0.0731368,
        no_match: 0.103448,
      },
      u: {
        match: 0.00000129488,
        partial_match: 0.0000271924,
        no_match: 0.999972,
      },
    },
    phone_number: {
      m: {
        match: 0.796939,
        partial_match: 0.0623896,
        no_match: 0.140671,
      },
      u: {
        match: 0.00000145716,
        partial_match: 0.00000145716,
        no_match: 0.999997,
      },
    },
    id_number: {
      m: {
        match: 0.748417,
        partial_match: 0.244829,
        no_match: 0.0067539,
      },
      u: {
        match: 0.0000133135,
        partial_match: 0.000479284,
        no_match: 0.999507,
      },
    },
    ip_address: {
      m: {
        match: 0.316098,
        partial_match: 0.0880088,
        no_match: 0.595893,
      },
      u: {
        match: 0.000110913,
        partial_match: 0.000013621,
        no_match: 0.999875,
      },
    },
    depository_accounts: {
      m: {
        match: 0.811401,
        partial_match: 0.0655582,
        no_match: 0.12304,
      },
      u: {
        match: 0.00000386572,
        partial_match: 0.00000386572,
        no_match: 0.999992,
      },
    },
  },
};

/** For comparison only: m by EM over the compared pairs. */
export const EM_M = {
  name: {
    match: 0.582246,
    partial_match: 0.254911,
    no_match: 0.162843,
  },
  date_of_birth: {
    match: 0.64009,
    partial_match: 0.171492,
    no_match: 0.188418,
  },
  address: {
    match: 0.807116,
    partial_match: 0.0808865,
    no_match: 0.111998,
  },
  email_address: {
    match: 0.669254,
    partial_match: 0.0639861,
    no_match: 0.26676,
  },
  phone_number: {
    match: 0.672145,
    partial_match: 0.0493801,
    no_match: 0.278475,
  },
  id_number: {
    match: 0.633497,
    partial_match: 0.213291,
    no_match: 0.153212,
  },
  ip_address: {
    match: 0.357106,
    partial_match: 0.0733054,
    no_match: 0.569589,
  },
  depository_accounts: {
    match: 0.716243,
    partial_match: 0.0544135,
    no_match: 0.229344,
  },
};
