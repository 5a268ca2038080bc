import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { contentTypeOf } from './headers';

export interface StaticFile {
  body: Buffer;
  contentType: string;
  /** Vite names what it emits under assets/ by content hash, so those never change under one name. */
  immutable: boolean;
}

/**
 * Files of the renderer bundle, and only those: a request path that decodes outside the directory, or
 * reaches outside it through a symlink, is not found rather than served.
 */
export class StaticFiles {
  private constructor(private readonly root: string) {}

  static async open(dir: string): Promise<StaticFiles> {
    const root = await realpath(resolve(dir));
    if (!(await stat(root)).isDirectory()) throw new Error(`${dir} is not a directory`);
    return new StaticFiles(root);
  }

  async read(pathname: string): Promise<StaticFile | null> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return null;
    }
    if (decoded.includes('\0') || decoded.includes('\\')) return null;
    const relative = decoded === '/' ? '/index.html' : decoded;
    const candidate = resolve(this.root, `.${relative}`);
    if (!candidate.startsWith(this.root + sep)) return null;
    try {
      const real = await realpath(candidate);
      if (!real.startsWith(this.root + sep) || !(await stat(real)).isFile()) return null;
      return {
        body: await readFile(real),
        contentType: contentTypeOf(extname(real)),
        immutable: relative.startsWith('/assets/'),
      };
    } catch {
      return null;
    }
  }
}
