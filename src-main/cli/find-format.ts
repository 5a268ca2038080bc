import type { FindNameView, NameAnswer } from '../../src-shared/ipc/dns-views';
import { Exit, type ExitCode } from './args';
import { table } from './format';

function answerText(r: NameAnswer): string {
  switch (r.state) {
    case 'answered':
      return r.answers.length === 0 ? '(no records)' : r.answers.join(' ');
    case 'failed':
      return `did not answer: ${r.reason}`;
    case 'not-asked':
      return `not asked: ${r.status}`;
  }
}

/** `smt find`: one line per remote, the ones whose answer is not the majority's marked with `*`. */
export function findText(view: FindNameView): string {
  const head = `${view.name} ${view.rrtype}: ${view.remotes.length} DNS remote${view.remotes.length === 1 ? '' : 's'} serve a zone holding it${view.notServing > 0 ? ` (${view.notServing} others do not)` : ''}`;
  if (view.remotes.length === 0) return `${head}; no remote was asked`;
  const rows = view.remotes.map((r) => [
    r.state === 'answered' && r.differs ? '*' : '',
    r.remoteId,
    r.zone ?? '?',
    answerText(r),
  ]);
  const verdict =
    view.distinctAnswers > 1
      ? `the remotes disagree: ${view.distinctAnswers} different answers (* differs from the most common)`
      : view.distinctAnswers === 1
        ? 'every remote that answered gave the same answer'
        : 'no remote answered';
  return [head, table([['', 'REMOTE', 'ZONE', 'ANSWER'], ...rows]), verdict].join('\n');
}

/** 0 when every remote serving the name answered the same; 1 when they disagree or one did not answer. */
export function findExit(view: FindNameView): ExitCode {
  const unanswered = view.remotes.some((r) => r.state === 'failed');
  return view.distinctAnswers > 1 || unanswered ? Exit.drift : Exit.ok;
}
