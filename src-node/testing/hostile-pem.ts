/**
 * Damaged certificate and key files for property-based tests of every loader that reads them: PEM text
 * with its base64 cut, altered or padded, blocks in the wrong file or of the wrong kind, runs of BEGIN
 * lines, and bytes that are no text at all.
 */
import fc from 'fast-check';

/** A damaged version of one of `pems` (or of them together), as a file would hold it. */
export function hostilePem(pems: readonly string[]): fc.Arbitrary<string> {
  const pem = fc.constantFrom(...pems);
  const edit = fc.record({ at: fc.nat(), cut: fc.nat({ max: 64 }), put: fc.string({ maxLength: 8 }) });
  return fc.oneof(
    // The right file, its body cut, changed or padded in a few places.
    fc.tuple(pem, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([text, edits]) =>
      edits.reduce((t, e) => {
        const at = e.at % (t.length + 1);
        return t.slice(0, at) + e.put + t.slice(at + e.cut);
      }, text),
    ),
    // Blocks of other files, several in one file, or with text around them.
    fc.array(pem, { minLength: 1, maxLength: 3 }).map((blocks) => blocks.join('')),
    fc.tuple(fc.string({ maxLength: 40 }), pem, fc.string({ maxLength: 40 })).map((p) => p.join('\n')),
    // Markers with nothing sound between them, and many of them.
    fc
      .constantFrom('CERTIFICATE', 'PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY')
      .chain((label) =>
        fc
          .tuple(fc.string({ maxLength: 60 }), fc.integer({ min: 1, max: 2000 }), fc.boolean())
          .map(
            ([body, n, closed]) =>
              `-----BEGIN ${label}-----\n${body}\n`.repeat(n) + (closed ? `-----END ${label}-----\n` : ''),
          ),
      ),
    fc.constant(''),
    fc.string({ unit: 'binary', maxLength: 300 }),
  );
}
