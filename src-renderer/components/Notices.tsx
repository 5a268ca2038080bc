import { formatDuration } from '../format';
import { useSmt } from '../store/react';

/** Failures, each with what to do next; nothing at all when everything works. */
export function Notices() {
  const link = useSmt((s) => s.link);
  const linkRejects = useSmt((s) => s.linkRejects);
  const state = useSmt((s) => s.connection?.state ?? null);
  // The array itself (a fresh `[]` from a selector would re-render without end).
  const brokers = useSmt((s) => s.connection?.brokers);
  const addresses = (brokers ?? []).map((b) => b.url.replace(/^[a-z+]+:\/\//, '')).join(' and ');
  const callError = useSmt((s) => s.callError);
  const now = useSmt((s) => s.now);
  const notices: { key: string; tone: 'warn' | 'bad'; title: string; text: string }[] = [];

  if (link.kind === 'lost') {
    notices.push({
      key: 'link',
      tone: 'bad',
      title: 'Lost the link to the console',
      text:
        `${link.reason}. Reconnecting in ${formatDuration(Math.max(0, link.retryAt - Date.now()) + 999)} ` +
        `(attempt ${link.attempt}); the data below is frozen until then. If the console process stopped, start ` +
        'it again and open the new URL it prints.',
    });
  } else if (state?.kind === 'backoff') {
    notices.push({
      key: 'broker',
      tone: 'warn',
      title: addresses ? `No broker reachable at ${addresses}` : 'No broker reachable',
      text:
        `${state.lastError}. The console keeps trying: next in ${formatDuration(Math.max(0, state.retryAt - now) + 999)} ` +
        `(attempt ${state.attempt}). Check that the brokers run (npm run lab -- status) and that the console ` +
        'certificate is provisioned; the fleet view shows the last known values meanwhile.',
    });
  } else if (state?.kind === 'failed') {
    notices.push({
      key: 'broker',
      tone: 'bad',
      title: 'The console gave up connecting',
      text: `${state.lastError}. Check the broker addresses and the certificate in the console profile, then restart the console.`,
    });
  }
  if (callError) notices.push({ key: 'call', tone: 'warn', title: 'Request failed', text: callError });
  if (linkRejects > 0) {
    notices.push({
      key: 'frames',
      tone: 'warn',
      title: 'Unreadable messages from the console',
      text: `${linkRejects} message(s) did not match what this page expects and were dropped. Reload the page; if it persists, the page and the console come from different versions.`,
    });
  }
  if (notices.length === 0) return null;
  return (
    <div className="notices">
      {notices.map((n) => (
        <div key={n.key} role="alert" className={`notice tone-${n.tone}`} data-testid={`notice-${n.key}`}>
          <strong>{n.title}</strong> <span>{n.text}</span>
        </div>
      ))}
    </div>
  );
}
