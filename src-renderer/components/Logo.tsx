/** The product mark: a tunnel between two nodes. Inline, so it needs no request and no CSP exception. */
export function Logo() {
  return (
    <svg className="logo" viewBox="0 0 32 32" width="24" height="24" aria-hidden="true">
      <rect x="1" y="1" width="30" height="30" rx="7" className="logo-bg" />
      <path d="M8 16h16" className="logo-line" />
      <path d="M11 11.5c3-3 7-3 10 0M11 20.5c3 3 7 3 10 0" className="logo-arc" />
      <circle cx="8" cy="16" r="2.6" className="logo-node" />
      <circle cx="24" cy="16" r="2.6" className="logo-node" />
    </svg>
  );
}
