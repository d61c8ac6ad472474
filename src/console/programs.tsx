/** Programs (docs/product.md §8): the member's programs, a new one, and each one's settings —
 * the duplicate rules with the defaults explained, and where findings send a user. */
import type { Hono } from 'hono';
import { roleRefusal } from '../domain/analysts/roles';
import { reviewQueueCountsOf } from '../domain/beacon-users/queue';
import { getClient } from '../domain/clients';
import { createProgram, getProgram, programsOf, type Program } from '../domain/programs';
import { parseRequest } from '../http/validation';
import { RULE_CODES, type MatchRule } from '../matching/codes';
import { MATCH_FIELDS } from '../matching/fields';
import { DEFAULT_DUPLICATE_RULES, DEFAULT_DUPLICATE_RULES_EXPLAINED } from '../matching/settings';
import { ProgramForm } from '../schemas/console';
import { PROGRAM_NAME_MAX } from '../schemas/dashboard';
import { MatchBadge, Refused, Time } from './components';
import { act, allowedTo, redirectWith, signedIn, type ConsoleContext, type ConsoleEnv } from './context';
import { Csrf } from './layout';
import { render } from './render';
import { FIELD_LABELS } from './words';

/** Rule rows the settings form offers beyond the program's own, to add rules. */
const SPARE_RULES = 2;

const RuleText = (props: { rule: MatchRule }) => (
  <>
    {Object.entries(props.rule).map(([field, code], i) => (
      <>
        {i > 0 && ' + '}
        {FIELD_LABELS[field as keyof typeof FIELD_LABELS]} <MatchBadge code={code} />
      </>
    ))}
  </>
);

function SettingsForm(props: { c: ConsoleContext; program: Program }) {
  const { account, csrfToken } = signedIn(props.c);
  const refusal = roleRefusal(account.role, 'manage_programs');
  const { settings } = props.program;
  const rows = [...settings.duplicate_rules, ...Array.from({ length: SPARE_RULES }, () => ({}) as MatchRule)];
  return (
    <form method="post" action={`/console/programs/${props.program.id}`} class="stack">
      <Csrf token={csrfToken} />
      <fieldset disabled={refusal !== null}>
        <legend>Settings</legend>
        <label>
          Name
          <input type="text" name="name" required maxlength={PROGRAM_NAME_MAX} value={props.program.name} />
        </label>
        <label class="check">
          <input type="checkbox" name="duplicates_to_pending_review" checked={settings.duplicates_to_pending_review} />A user with a duplicate goes to the review queue
        </label>
        <label class="check">
          <input type="checkbox" name="flag_network_fraud" checked={settings.flag_network_fraud} />A user matching another member's fraud report goes to the review queue
        </label>
        <table class="rules">
          <caption>Duplicate rules: a pair is a duplicate when every field of some rule reaches its code. An empty row is no rule; to remove a rule, empty its row.</caption>
          <thead>
            <tr>
              <th scope="col">Rule</th>
              {MATCH_FIELDS.map((field) => (
                <th scope="col">{FIELD_LABELS[field]}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((rule, i) => (
              <tr>
                <th scope="row">{i < settings.duplicate_rules.length ? i + 1 : 'new'}</th>
                {MATCH_FIELDS.map((field) => (
                  <td>
                    <select name={`rule.${i}.${field}`} aria-label={`Rule ${i + 1}: ${FIELD_LABELS[field]}`}>
                      <option value="">—</option>
                      {RULE_CODES.map((code) => (
                        <option value={code} selected={rule[field] === code}>
                          {code === 'match' ? 'match' : 'partial match or better'}
                        </option>
                      ))}
                    </select>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <label class="check">
          <input type="checkbox" name="default_rules" />
          Use the default duplicate rules instead (below)
        </label>
        <button type="submit">Save the settings</button>
      </fieldset>
      {refusal && <p class="why">{refusal}</p>}
    </form>
  );
}

function Defaults() {
  return (
    <section aria-labelledby="defaults">
      <h2 id="defaults">The default duplicate rules, and why</h2>
      <p>
        They catch the same person entered twice with typos, and not different people who share an IP address, a surname or an address. Neither name + address (a Jr. and a Sr.
        share both) nor anything with the IP address is a default rule.
      </p>
      <ol class="defaults">
        {DEFAULT_DUPLICATE_RULES_EXPLAINED.map(({ rule, why }) => (
          <li>
            <RuleText rule={rule} /> — {why}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The rules the form gives: rows of field → code, empty rows left out. */
function rulesOf(form: Record<string, string>): MatchRule[] {
  const rows = new Map<number, Record<string, string>>();
  for (const [key, value] of Object.entries(form)) {
    const match = /^rule\.(\d{1,2})\.([a-z_]+)$/.exec(key);
    if (!match || !value) continue;
    const row = rows.get(Number(match[1])) ?? {};
    row[match[2]!] = value;
    rows.set(Number(match[1]), row);
  }
  return [...rows.entries()].sort(([a], [b]) => a - b).map(([, rule]) => rule as MatchRule);
}

export function registerProgramRoutes(pages: Hono<ConsoleEnv>): void {
  pages.get('/programs', async (c) => {
    const { account, csrfToken } = signedIn(c);
    const [programs, counts] = await Promise.all([programsOf(c.get('storage'), account.clientId), reviewQueueCountsOf(c.get('storage'), account.clientId)]);
    const refusal = roleRefusal(account.role, 'manage_programs');
    return render(
      c,
      { title: 'Programs', section: 'programs' },
      <>
        <table>
          <caption>Your programs</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">program_id</th>
              <th scope="col">Waiting for review</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {programs.map((p) => (
              <tr>
                <th scope="row">
                  <a href={`/console/programs/${p.id}`}>{p.name}</a>
                </th>
                <td>
                  <code>{p.id}</code>
                </td>
                <td>
                  <a href={`/console/queue?program=${p.id}`}>{counts.byProgram[p.id] ?? 0}</a>
                </td>
                <td>
                  <Time at={p.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <h2>New program</h2>
        {refusal ? (
          <Refused label="Create a program" why={refusal} id="why-program" />
        ) : (
          <form method="post" action="/console/programs" class="filters">
            <Csrf token={csrfToken} />
            <label>
              Name
              <input type="text" name="name" required maxlength={PROGRAM_NAME_MAX} />
            </label>
            <button type="submit">Create the program</button>
          </form>
        )}
        <p class="help">A new program starts with the default settings; change them on its page.</p>
      </>,
    );
  });

  pages.post('/programs', async (c) => {
    const { account } = allowedTo(c, 'manage_programs');
    const name = String((await c.req.parseBody()).name ?? '');
    return act(c, '/console/programs', async () => {
      const { name: valid } = parseRequest(ProgramForm.pick({ name: true }), { name });
      const program = await createProgram(c.get('storage'), await getClient(c.get('storage'), account.clientId), { name: valid });
      return redirectWith(c, `/console/programs/${program.id}`, { kind: 'notice', text: 'The program is created, with the default settings.' });
    });
  });

  pages.get('/programs/:id', async (c) => {
    const { account } = signedIn(c);
    const program = await getProgram(c.get('storage'), account.clientId, c.req.param('id'));
    return render(
      c,
      { title: `Program ${program.name}`, section: 'programs' },
      <>
        <p>
          <code>{program.id}</code> · created <Time at={program.createdAt} /> · <a href={`/console/queue?program=${program.id}`}>its review queue</a>
        </p>
        <SettingsForm c={c} program={program} />
        <Defaults />
      </>,
    );
  });

  pages.post('/programs/:id', async (c) => {
    const { account } = allowedTo(c, 'manage_programs');
    const id = c.req.param('id');
    const form = (await c.req.parseBody()) as Record<string, string>;
    return act(c, `/console/programs/${id}`, async () => {
      const input = parseRequest(ProgramForm, {
        name: form.name ?? '',
        settings: {
          duplicate_rules: form.default_rules ? DEFAULT_DUPLICATE_RULES : rulesOf(form),
          duplicates_to_pending_review: form.duplicates_to_pending_review === 'on',
          flag_network_fraud: form.flag_network_fraud === 'on',
        },
      });
      await c.get('programs').updateProgram({ clientId: account.clientId, programId: id, name: input.name, settings: input.settings });
      return 'The settings are saved: they apply from the next check on.';
    });
  });
}
