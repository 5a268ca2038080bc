/**
 * The PEM blocks of the given labels in a text, in order, each from its BEGIN line to the nearest END
 * line of the same label, with a newline after it. Linear in the text: the lazy regular expression this
 * replaces rescanned the rest of the text from every BEGIN line with no END after it, so an imported
 * file of nothing but BEGIN lines (256 KiB fit an import form) held the core for seconds.
 */
export function pemBlocks(text: string, labels: readonly string[]): string[] {
  const out: string[] = [];
  /** Where each label's next BEGIN line is, from `from` on; labels with no END left drop out. */
  const next = new Map<string, number>();
  let from = 0;
  const beginAt = (label: string) => {
    const known = next.get(label);
    if (known !== undefined && known >= from) return known;
    const at = text.indexOf(`-----BEGIN ${label}-----`, from);
    if (at < 0) labels = labels.filter((l) => l !== label);
    else next.set(label, at);
    return at;
  };
  for (;;) {
    let start = -1;
    let label = '';
    for (const l of labels) {
      const at = beginAt(l);
      if (at >= 0 && (start < 0 || at < start)) [start, label] = [at, l];
    }
    if (start < 0) return out;
    const end = `-----END ${label}-----`;
    const endAt = text.indexOf(end, start);
    if (endAt < 0) {
      // No END of this label after here: none of its later BEGIN lines can close either.
      labels = labels.filter((l) => l !== label);
      continue;
    }
    out.push(`${text.slice(start, endAt + end.length)}\n`);
    from = endAt + end.length;
  }
}
