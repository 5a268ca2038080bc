/**
 * The console database's schema, one entry per version: entry i takes the database from version i to
 * i + 1 (PRAGMA user_version). Entries are never edited once released; a change is a new entry.
 */
export const migrations: readonly string[] = [
  // 1: the push outbox (design.md §5) and the audit trail.
  `
  CREATE TABLE pushes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    author TEXT NOT NULL,
    object_key TEXT NOT NULL,
    object TEXT NOT NULL,
    version INTEGER NOT NULL,
    op TEXT NOT NULL,
    payload TEXT,
    payload_sha256 TEXT NOT NULL,
    selector TEXT NOT NULL,
    targets TEXT NOT NULL,
    canary INTEGER,
    state TEXT NOT NULL,
    halt_reason TEXT
  );
  CREATE INDEX pushes_object ON pushes (object_key, version);
  CREATE TABLE deliveries (
    push_id TEXT NOT NULL REFERENCES pushes (id),
    remote_id TEXT NOT NULL,
    smt_id TEXT NOT NULL UNIQUE,
    attempt INTEGER NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (push_id, remote_id)
  );
  CREATE INDEX deliveries_kind ON deliveries (kind);
  CREATE TABLE delivery_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    push_id TEXT NOT NULL,
    remote_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    event TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL
  );
  CREATE INDEX delivery_events_delivery ON delivery_events (push_id, remote_id);
  CREATE TABLE audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT
  );
  `,
  // 2: push deadlines (epoch ms; NULL: no deadline).
  `
  ALTER TABLE pushes ADD COLUMN expires_at INTEGER;
  `,
  // 3: the fleet the console knows: each remote's last hello and when it was first and last heard, so a
  // console knows (and can address) its remotes from the start, offline ones included. tags, capabilities
  // and hostname repeat the hello's for ad-hoc queries; the console reads the hello.
  `
  CREATE TABLE remotes (
    id TEXT PRIMARY KEY,
    hello TEXT NOT NULL,
    hostname TEXT NOT NULL,
    tags TEXT NOT NULL,
    capabilities TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    hello_at INTEGER NOT NULL,
    last_seen INTEGER NOT NULL
  );
  `,
  // 4: service usage and host load over time, one row per finished bucket (src-shared/trends).
  `
  CREATE TABLE trend_points (
    remote_id TEXT NOT NULL,
    metric TEXT NOT NULL,
    range TEXT NOT NULL,
    t INTEGER NOT NULL,
    n INTEGER NOT NULL,
    avg REAL NOT NULL,
    min REAL NOT NULL,
    max REAL NOT NULL,
    PRIMARY KEY (remote_id, metric, range, t)
  ) WITHOUT ROWID;
  CREATE INDEX trend_points_age ON trend_points (range, t);
  `,
  // 5: what remotes reported on the event channel, for the Remote screen's recent events.
  `
  CREATE TABLE remote_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    remote_id TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    event TEXT NOT NULL
  );
  CREATE INDEX remote_events_remote ON remote_events (remote_id, seq);
  CREATE INDEX remote_events_age ON remote_events (received_at);
  `,
  // 6: which IPAM profile each audit entry was made for (older entries: unknown, ''), searchable by time;
  // and a remote's deliveries, newest first, for the Remote screen.
  `
  ALTER TABLE audit ADD COLUMN profile TEXT NOT NULL DEFAULT '';
  CREATE INDEX audit_at ON audit (at);
  CREATE INDEX deliveries_remote ON deliveries (remote_id, updated_at);
  `,
  // 7: drafts of zones and scopes, written with or without a broker (docs/drafts.md).
  `
  CREATE TABLE drafts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    object TEXT NOT NULL,
    content TEXT NOT NULL,
    targets TEXT NOT NULL,
    base TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    author TEXT NOT NULL
  );
  CREATE INDEX drafts_updated ON drafts (updated_at);
  `,
  // 8: the newest served inventory each remote sent (docs/inventory.md), kept whole; and the drifts last
  // raised as events per object and remote, so a restarted console (or a second process on the profile)
  // does not raise them again.
  `
  CREATE TABLE served_inventories (
    remote_id TEXT PRIMARY KEY,
    received_at INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE drift_raised (
    object_key TEXT NOT NULL,
    remote_id TEXT NOT NULL,
    state TEXT NOT NULL,
    served_sha256 TEXT,
    raised_at INTEGER NOT NULL,
    PRIMARY KEY (object_key, remote_id)
  ) WITHOUT ROWID;
  `,
  // 9: fleet-wide alerts (docs/alerts.md), at most one open (firing or acknowledged) per
  // rule and subject, resolved ones kept for the history; and the profile's alert rules as saved, one row.
  `
  CREATE TABLE alerts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    rule TEXT NOT NULL,
    subject TEXT NOT NULL,
    remote_id TEXT,
    severity TEXT NOT NULL,
    state TEXT NOT NULL,
    message TEXT NOT NULL,
    value REAL,
    fired_at INTEGER NOT NULL,
    acked_at INTEGER,
    acked_by TEXT,
    comment TEXT,
    resolved_at INTEGER
  );
  CREATE UNIQUE INDEX alerts_open ON alerts (rule, subject) WHERE state != 'resolved';
  CREATE INDEX alerts_state ON alerts (state, seq);
  CREATE INDEX alerts_resolved ON alerts (resolved_at) WHERE resolved_at IS NOT NULL;
  CREATE TABLE alert_rules (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    rules TEXT NOT NULL,
    saved_at INTEGER NOT NULL,
    saved_by TEXT NOT NULL
  );
  `,
];
