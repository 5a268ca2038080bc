const DAY = 86_400_000;
/** Certificates that end within this many days are flagged, so a renewal is asked for in time. */
export const EXPIRY_WARN_DAYS = 30;

export interface Expiry {
  tone: 'ok' | 'warn' | 'bad';
  text: string;
}

/** How soon a certificate ends, as the Profiles screen says it. */
export function expiryOf(notAfter: number, notBefore: number, now: number): Expiry {
  const date = new Date(notAfter).toISOString().slice(0, 10);
  if (now > notAfter) return { tone: 'bad', text: `expired ${date}` };
  if (now < notBefore) {
    return { tone: 'bad', text: `not valid before ${new Date(notBefore).toISOString().slice(0, 10)}` };
  }
  const days = Math.floor((notAfter - now) / DAY);
  if (days < EXPIRY_WARN_DAYS) {
    return {
      tone: 'warn',
      text: `${date} (in ${days === 0 ? 'less than a day' : `${days} day${days === 1 ? '' : 's'}`})`,
    };
  }
  return { tone: 'ok', text: date };
}
