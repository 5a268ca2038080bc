/** Debian's Chromium, never a downloaded one. */
export const chromiumPath = '/usr/bin/chromium';

/** Flags that keep Chromium from talking to anything but the console under test. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
