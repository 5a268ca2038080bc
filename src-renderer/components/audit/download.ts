/**
 * Saves text as a file through the browser's download (an object URL on a Blob, clicked): nothing
 * leaves the machine, and in Electron the shell lets only such blob: downloads through (hardening.ts).
 */
export function downloadText(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has its own reference by now; the URL is not needed after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
