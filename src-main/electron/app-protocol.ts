import type { CustomScheme } from 'electron';
import { contentSecurityPolicy } from '../host/headers';
import type { StaticFiles } from '../host/static-files';

/**
 * The renderer is served from app://console/ rather than file://: a file:// page's 'self' is every file
 * on the disk, app://console's is only the bundle this handler serves, which is what the CSP means.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'console';
export const rendererUrl = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * Registered before the app is ready: a standard, secure origin. Vite's module scripts carry `crossorigin`,
 * so they are fetched in CORS mode, which Chromium refuses for schemes not marked CORS-enabled. Marking it
 * lets other origins read app:// too, and there are none here: navigation, frames and webviews are denied.
 */
export const appScheme: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, corsEnabled: true },
};

/** No network at all from the page: in Electron it talks to the core over IPC only. */
export const shellCsp = contentSecurityPolicy("'none'");

/**
 * Answers app://console/<path> with a file of the renderer bundle and the security headers; any other
 * host, method or path outside the bundle gets a bare 404.
 */
export function rendererResponder(files: StaticFiles): (request: Request) => Promise<Response> {
  const notFound = () => new Response('not found', { status: 404, headers: baseHeaders() });
  return async (request) => {
    const url = new URL(request.url);
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || request.method !== 'GET') {
      return notFound();
    }
    const file = await files.read(url.pathname);
    if (!file) return notFound();
    return new Response(new Uint8Array(file.body), {
      status: 200,
      headers: { ...baseHeaders(), 'Content-Type': file.contentType },
    });
  };
}

function baseHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': shellCsp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}
