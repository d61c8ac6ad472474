/** A stored match weight (docs/matching.md, "Match weights") as a waterfall: the prior odds,
 * each field that moved the weight, and the total, each with where the running sum stands,
 * against the threshold the pair was weighed for. The numbers are the table; the bars (SVG
 * attributes, allowed by the console's CSP) only draw them. */
import { type MatchWeight, weightRows } from '../matching/weights';
import { MatchBadge } from './components';
import { FIELD_LABELS, GUARD_LABELS } from './words';

const BAR_WIDTH = 160;
const BAR_HEIGHT = 14;
const percent = (p: number) => (p >= 0.9999 ? 'over 99.99%' : `${(100 * p).toFixed(2)}%`);
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)}`;

export function Waterfall(props: { weight: MatchWeight }) {
  const { weight } = props;
  const rows = weightRows(weight);
  // Each bar runs from where the sum stood to where the row leaves it; the prior and the total from 0.
  const spans = rows.map((row, i) => (i === 0 || i === rows.length - 1 ? [0, row.cumulative] : [row.cumulative - row.weight, row.cumulative]) as [number, number]);
  const ends = [0, weight.threshold, ...spans.flat()];
  const low = Math.min(...ends);
  const high = Math.max(...ends);
  const x = (v: number) => ((v - low) / (high - low || 1)) * BAR_WIDTH;
  return (
    <table class="waterfall">
      <caption>
        Match weight {weight.weight.toFixed(1)} (probability {percent(weight.probability)}) · threshold {weight.threshold}
        {weight.guard && <> · held back by a guard: {GUARD_LABELS[weight.guard]}</>}
      </caption>
      <thead>
        <tr>
          <th scope="col">Evidence</th>
          <th scope="col">Level</th>
          <th scope="col">Weight</th>
          <th scope="col">Running total</th>
          <th scope="col">
            <span class="visually-hidden">Chart</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => {
          const [from, to] = spans[i]!;
          const kind = i === rows.length - 1 ? 'total' : i === 0 ? 'prior' : row.weight >= 0 ? 'for' : 'against';
          return (
            <tr class={`weight-${kind}`}>
              <th scope="row">
                {kind === 'prior' ? 'Prior odds' : kind === 'total' ? 'Total' : FIELD_LABELS[row.label as keyof typeof FIELD_LABELS]}
                {row.term_count !== undefined && <span class="help"> · value shared by {row.term_count.toLocaleString('en')} users</span>}
              </th>
              <td>{row.level ? <MatchBadge code={row.level} /> : ''}</td>
              <td class="number">{kind === 'total' ? row.weight.toFixed(1) : signed(row.weight)}</td>
              <td class="number">{row.cumulative.toFixed(1)}</td>
              <td>
                <svg width={BAR_WIDTH} height={BAR_HEIGHT} aria-hidden="true" class="bar">
                  <rect x={Math.min(x(from), x(to))} y={2} width={Math.max(1, Math.abs(x(to) - x(from)))} height={BAR_HEIGHT - 4} />
                  <line class="threshold" x1={x(weight.threshold)} x2={x(weight.threshold)} y1={0} y2={BAR_HEIGHT} />
                </svg>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
