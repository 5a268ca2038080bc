import { useRef, useState } from 'react';
import { FindNameQuery, type NameAnswer } from '../../../src-shared/ipc/dns-views';
import { LookupRrtype } from '../../../src-shared/protocol';
import { useApi } from '../../api/context';
import { formatAge, formatClock } from '../../format';
import { useSmt } from '../../store/react';
import type { NameQuery } from '../../store/dns-slice';

function answerCell(r: NameAnswer): string {
  switch (r.state) {
    case 'answered':
      return r.answers.length === 0 ? 'no records' : r.answers.join('\n');
    case 'failed':
      return `did not answer: ${r.reason}`;
    case 'not-asked':
      return `not asked: it is ${r.status}`;
  }
}

/**
 * DNS → Find a name (docs/dns.md): which remotes serve a zone holding the name and what each one's named
 * answers, the ones that differ from the most common answer marked. The name is checked here first, so a
 * malformed one is explained and nothing is sent.
 */
export function FindNameScreen() {
  const api = useApi();
  const find = useSmt((s) => s.find);
  const findEvent = useSmt((s) => s.findEvent);
  const now = useSmt((s) => s.now);
  const [name, setName] = useState(find.kind === 'idle' ? '' : find.query.name);
  const [rrtype, setRrtype] = useState<LookupRrtype>(find.kind === 'idle' ? 'A' : find.query.rrtype);
  const seq = useRef(0);

  const ask = async () => {
    const query: NameQuery = { name: name.trim(), rrtype };
    const parsed = FindNameQuery.safeParse(query);
    if (!parsed.success) {
      findEvent({ type: 'invalid', query, message: parsed.error.issues[0]?.message ?? 'not a name' });
      return;
    }
    const mine = ++seq.current;
    findEvent({ type: 'ask', query, seq: mine });
    const r = await api.findName(parsed.data);
    if (r.ok) findEvent({ type: 'answer', seq: mine, view: r.value });
    else findEvent({ type: 'fail', seq: mine, message: r.error.message });
  };

  const view = find.kind === 'answered' ? find.view : null;
  return (
    <main className="screen dns" aria-label="DNS">
      <header className="screen-head">
        <h1 className="title">Find a name</h1>
      </header>
      <form
        className="served-form"
        onSubmit={(e) => {
          e.preventDefault();
          void ask();
        }}
      >
        <input
          aria-label="Name"
          className="mono"
          placeholder="www.example.com"
          value={name}
          aria-invalid={find.kind === 'invalid'}
          onChange={(e) => setName(e.target.value)}
        />
        <select
          aria-label="Record type"
          value={rrtype}
          onChange={(e) => setRrtype(LookupRrtype.parse(e.target.value))}
        >
          {LookupRrtype.options.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <button
          type="submit"
          className="button small"
          disabled={find.kind === 'asking' || name.trim() === ''}
        >
          {find.kind === 'asking' ? 'Asking the fleet…' : 'Find'}
        </button>
      </form>
      {(find.kind === 'invalid' || find.kind === 'failed') && (
        <p role="alert" className="field-error">
          {find.message}
        </p>
      )}
      {view && (
        <section aria-label="Answers">
          <p className="muted" role="status">
            {view.remotes.length === 0
              ? `No DNS remote serves a zone holding ${view.name}`
              : view.distinctAnswers > 1
                ? `The remotes disagree on ${view.name} ${view.rrtype}: ${view.distinctAnswers} different answers; the marked ones differ from the most common`
                : view.distinctAnswers === 1
                  ? `Every remote that answered gives the same ${view.rrtype} for ${view.name}`
                  : `No remote answered for ${view.name}`}
            {view.notServing > 0 ? `; ${view.notServing} other DNS remotes serve no zone holding it` : ''};
            asked {formatAge(view.askedAt, now)} ({formatClock(view.askedAt)}).
          </p>
          {view.remotes.length > 0 && (
            <table className="grid" aria-label="Answers by remote">
              <thead>
                <tr>
                  <th scope="col">Remote</th>
                  <th scope="col">Zone</th>
                  <th scope="col">Answer</th>
                </tr>
              </thead>
              <tbody>
                {view.remotes.map((r) => {
                  const differs = r.state === 'answered' && r.differs;
                  return (
                    <tr
                      key={r.remoteId}
                      data-remote-id={r.remoteId}
                      data-state={r.state}
                      data-differs={differs ? 'true' : undefined}
                      className={differs ? 'tone-warn' : r.state === 'answered' ? '' : 'faint'}
                    >
                      <td className="mono">
                        <a href={`#/remote/${encodeURIComponent(r.remoteId)}`}>{r.remoteId}</a>
                      </td>
                      <td className="mono">{r.zone ?? 'no inventory yet'}</td>
                      <td className="mono served-answer">
                        {differs && <span className="badge tone-warn">differs</span>} {answerCell(r)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </section>
      )}
    </main>
  );
}
