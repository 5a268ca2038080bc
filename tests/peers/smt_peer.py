#!/usr/bin/python3
"""A minimal SMT remote in Python: proof that the protocol is language-neutral.

Written from docs/protocol.md and docs/protocol/*.schema.json alone, with Debian's python3-stomp
(stomp.py 8), python3-cryptography (config signatures) and the standard library; python3-jsonschema,
when installed, checks every message against the published schemas before it is sent.

It connects with mutual TLS (its own certificate, the fleet's CA) to the first broker that accepts,
sends a persistent hello to /topic/VirtualTopic.smt.inventory, then a stats and a presence sample every
interval on its own topics until --count rounds are done or it gets SIGTERM/SIGINT, when it says goodbye
(presence offline) and disconnects. Right after the hello it sends its served inventory (the zones it
applied), and again after each apply. It answers the `hello`, `served` and `ping` queries on its query
queue (a console that restarted asks for the hello it missed) and refuses the others with a reason. It takes
configs from its config queue one at a time: verifies the signature against the --trusted-signer
certificates, applies a zone to an in-memory store, and answers on the sending console's result queue
(docs/protocol.md "Writing an agent"); its ledger is in memory too, so a restart forgets it. Every step
is printed to stdout as one JSON object per line.

    /usr/bin/python3 tests/peers/smt_peer.py --remote-id r-py01 --broker 127.0.0.1:61617 \\
        --ca ca.crt --cert r-py01.crt --key r-py01.key --trusted-signer signer.crt \\
        --hostname py01.example.test --ip 192.0.2.41

--bad sends one stats sample with cpuPct 140 after the first round (the local validator must refuse
it; it is sent anyway) so a test can see the console drop exactly that one.

Exit status: 0 done, 1 no broker session, 2 bad arguments, 3 a message of ours broke its schema.
"""

import argparse
import base64
import datetime
import hashlib
import json
import os
import queue
import re
import signal
import ssl
import sys
import threading
import time
import uuid

import stomp
import stomp.transport
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

try:
    import jsonschema
except ImportError:  # Optional: without it messages go unchecked, and the console still validates them.
    jsonschema = None

AGENT_VERSION = "py-0.1.0"
CONNECT_TIMEOUT_S = 5.0
CONNECT_ATTEMPTS = 5
RECEIPT_TIMEOUT_S = 10.0

# From docs/protocol.md's channel table: (destination, persistent, expiry in ms or None).
CHANNELS = {
    # A virtual topic: the broker keeps a copy for every console id (docs/broker.md).
    "hello": (lambda rid: "/topic/VirtualTopic.smt.inventory", True, None),
    # The served inventory shares the hello's virtual topic: consoles read both in the order sent.
    "served": (lambda rid: "/topic/VirtualTopic.smt.inventory", True, None),
    "stats": (lambda rid: f"/topic/smt.stats.{rid}", False, 60_000),
    "presence": (lambda rid: f"/topic/smt.presence.{rid}", False, 60_000),
    # Replies go to the query's reply-to; queries arrive on the remote's own queue.
    "reply": (None, False, 60_000),
    "query": (lambda rid: f"/queue/smt.remote.{rid}.query", False, 30_000),
    "config": (lambda rid: f"/queue/smt.remote.{rid}.config", True, None),
    # Results go to the result queue of the console that sent the config (its envelope's `from`).
    "result": (None, True, None),
}
MAX_SERVED_OBJECTS = 4000
# The SOA serial is the third field of the SOA rdata (mname rname serial ...), parentheses aside.
SOA_SERIAL = re.compile(r"\bSOA\s+\(?\s*\S+\s+\S+\s+\(?\s*(\d+)", re.IGNORECASE)
CONSOLE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
# A reply may only go to a console session's reply queue (smt.console.<cid>.reply.<session>): a remote is
# no relay.
CONSOLE_REPLY = re.compile(r"^/queue/smt\.console\.[a-z0-9][a-z0-9-]{0,62}\.reply\.[a-z0-9]{12}$")

# ActiveMQ 5.17's stomp+nio+ssl may swallow a CONNECT that arrives while it is still finishing a TLS 1.3
# handshake: the client is done one flight before the broker, and stomp.py sends CONNECT at once.
# Measured against the lab broker with stomp.py: TLS 1.3, 4 of 600 CONNECTs never answered (3 of 600
# with the certificate probe below off); TLS 1.2, 0 of 1600, because its client finishes only after the
# broker's Finished. A fixed 50 ms pause before CONNECT also gave 0 of 600, but depends on timing, and
# waiting for the session ticket (as the Node client does) crashed CPython: stomp.py's reader thread
# already owns the socket. So: TLS 1.2, and a CONNECT deadline with retries on top.
stomp.transport.DEFAULT_SSL_VERSION = ssl.PROTOCOL_TLSv1_2


def _no_certificate_probe(host_and_port):
    """stomp.py (with pyOpenSSL present) opens an extra TLS connection without a client certificate to
    read the broker's expiry date before every connect. The broker refuses it (needClientAuth) and logs
    it; the CA check of the real connection already rejects an expired broker certificate."""


stomp.transport.check_ssl_certificate = _no_certificate_probe


_out = threading.Lock()


def emit(event, **fields):
    """One whole line per event, also when stomp.py's reader thread answers a query meanwhile."""
    with _out:
        sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
        sys.stdout.flush()


def fail(code, message):
    emit("failed", reason=message)
    print(f"smt_peer: {message}", file=sys.stderr, flush=True)
    sys.exit(code)


def broker_arg(text):
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host, int(port)


def parse_args(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description="A minimal SMT remote (stomp.py).")
    p.add_argument("--remote-id", required=True, help="this remote's id: its certificate's CN")
    p.add_argument("--broker", required=True, action="append", type=broker_arg,
                   help="HOST:PORT of a broker; repeat for the secondary (primary first)")
    p.add_argument("--ca", required=True, help="the fleet CA certificate (PEM)")
    p.add_argument("--cert", required=True, help="this remote's certificate (PEM)")
    p.add_argument("--key", required=True, help="this remote's private key (PEM)")
    p.add_argument("--trusted-signer", action="append", default=[],
                   help="a config signer's certificate (PEM) to trust; repeatable")
    p.add_argument("--schemas", default=os.path.join(here, "..", "..", "docs", "protocol"),
                   help="directory of the <type>.schema.json files")
    p.add_argument("--hostname", required=True)
    p.add_argument("--ip", action="append", default=[], help="an address of this host; repeatable")
    p.add_argument("--interval-ms", type=int, default=2000, help="stats and presence interval")
    p.add_argument("--count", type=int, default=0, help="rounds to send; 0 = until SIGTERM")
    p.add_argument("--bad", action="store_true", help="send one stats with cpuPct 140 after round 1")
    a = p.parse_args(argv)
    if a.interval_ms < 100:
        p.error("--interval-ms must be at least 100")
    if a.count < 0:
        p.error("--count must not be negative")
    for f in (a.ca, a.cert, a.key, *a.trusted_signer):
        if not os.path.isfile(f):
            p.error(f"no such file: {f}")
    return a


class Schemas:
    """The published JSON Schemas, one per channel type; a no-op without python3-jsonschema."""

    def __init__(self, directory, types):
        self.validators = {}
        if jsonschema is None:
            emit("validation", enabled=False, why="python3-jsonschema is not installed")
            return
        for t in types:
            path = os.path.join(directory, f"{t}.schema.json")
            try:
                with open(path, encoding="utf-8") as f:
                    schema = json.load(f)
            except (OSError, ValueError) as e:
                fail(2, f"cannot read the {t} schema {path}: {e}")
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            self.validators[t] = cls(schema)
        emit("validation", enabled=True, schemas=sorted(self.validators))

    def problems(self, envelope):
        v = self.validators.get(envelope["type"])
        if v is None:
            return []
        return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
                for e in v.iter_errors(envelope)]


def host_uptime_s():
    """The host's uptime in whole seconds, as the TypeScript agent's ping reply carries it."""
    with open("/proc/uptime", encoding="ascii") as f:
        return int(float(f.read().split()[0]))


def signed_bytes(rid, message_id, body):
    """docs/protocol.md "Signature": sorted keys at every depth, no whitespace, UTF-8, no signature."""
    unsigned = {k: v for k, v in body.items() if k != "signature"}
    doc = {"v": 1, "rid": rid, "id": message_id, "body": unsigned}
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class Signers:
    """The signer certificates this remote trusts, by the SHA-256 of their DER."""

    def __init__(self, files):
        self.by_fp = {}
        for f in files:
            with open(f, "rb") as fh:
                cert = x509.load_pem_x509_certificate(fh.read())
            fp = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()
            self.by_fp[fp] = (f, cert)

    def refusal(self, rid, envelope):
        """None when the config is signed for this remote and message by a trusted, valid signer."""
        sig = envelope["body"].get("signature")
        if sig is None:
            return "config is not signed"
        known = self.by_fp.get(sig["signer"])
        if known is None:
            return f"signed by an unknown signer {sig['signer']}: add its certificate to trustedSigners"
        source, cert = known
        now = datetime.datetime.utcnow()
        if now > cert.not_valid_after:
            return f"the signer certificate {source} ({sig['signer']}) expired on {cert.not_valid_after.isoformat()}Z"
        if now < cert.not_valid_before:
            return (f"the signer certificate {source} ({sig['signer']}) is not valid before "
                    f"{cert.not_valid_before.isoformat()}Z (check the clock)")
        key = cert.public_key()
        data = signed_bytes(rid, envelope["id"], envelope["body"])
        try:
            value = base64.b64decode(sig["value"], validate=True)
            if sig["alg"] == "ES256" and isinstance(key, ec.EllipticCurvePublicKey):
                if len(value) != 64:  # IEEE P1363 r || s, as in JWS.
                    raise InvalidSignature()
                der = encode_dss_signature(int.from_bytes(value[:32], "big"), int.from_bytes(value[32:], "big"))
                key.verify(der, data, ec.ECDSA(hashes.SHA256()))
            elif sig["alg"] == "Ed25519" and isinstance(key, ed25519.Ed25519PublicKey):
                key.verify(value, data)
            else:
                return f"signature algorithm {sig['alg']} does not fit the signer's key"
        except (InvalidSignature, ValueError):
            return "signature does not match the payload"
        return None


class Session(stomp.ConnectionListener):
    """One STOMP connection and the frames it is waiting for (CONNECTED, RECEIPTs)."""

    def __init__(self, args, on_message):
        self.args = args
        self.on_message_fc = on_message
        self.cond = threading.Condition()
        self.connected = False
        self.ended = False
        self.error = None
        self.receipts = set()
        self.conn = None

    # stomp.py calls these on its reader thread.
    def on_connected(self, frame):
        with self.cond:
            self.connected = True
            self.cond.notify_all()

    def on_error(self, frame):
        with self.cond:
            self.error = frame.headers.get("message", "ERROR frame")
            self.cond.notify_all()

    def on_disconnected(self):
        with self.cond:
            self.ended = True
            self.cond.notify_all()

    def on_message(self, frame):
        self.on_message_fc(frame)

    def on_receipt(self, frame):
        with self.cond:
            self.receipts.add(frame.headers.get("receipt-id"))
            self.cond.notify_all()

    def _wait(self, done, timeout):
        deadline = time.monotonic() + timeout
        with self.cond:
            while not done() and not self.ended and self.error is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(left)
            return done()

    def open(self):
        """CONNECT with a deadline (a swallowed CONNECT is never answered); retried on a new socket."""
        a = self.args
        for attempt in range(1, CONNECT_ATTEMPTS + 1):
            self.connected, self.ended, self.error = False, False, None
            self.receipts.clear()
            conn = stomp.Connection12(a.broker, heartbeats=(2000, 2000), heart_beat_receive_scale=2.5,
                                      reconnect_attempts_max=1, timeout=CONNECT_TIMEOUT_S)
            for hp in a.broker:
                conn.set_ssl(for_hosts=[hp], key_file=a.key, cert_file=a.cert, ca_certs=a.ca)
            conn.set_listener("session", self)
            why = None
            try:
                conn.connect(wait=False, with_connect_command=True)
                if self._wait(lambda: self.connected, CONNECT_TIMEOUT_S):
                    self.conn = conn
                    host, port = conn.transport.current_host_and_port
                    emit("connected", broker=f"{host}:{port}", attempt=attempt,
                         tls=conn.transport.socket.version())
                    return
                why = self.error or ("the broker closed the connection" if self.ended
                                     else f"no CONNECTED within {CONNECT_TIMEOUT_S} s")
            except (stomp.exception.StompException, OSError) as e:
                why = f"{type(e).__name__}: {e}"
            emit("connect-failed", attempt=attempt, reason=why)
            self._drop(conn)
            time.sleep(min(0.2 * attempt, 1.0))
        fail(1, f"no broker session after {CONNECT_ATTEMPTS} attempts")

    def subscribe(self, destination, sub_id):
        """Client-individual: a message is acknowledged only once it is answered."""
        self.conn.subscribe(destination, id=sub_id, ack="client-individual")

    def ack(self, frame):
        self.conn.ack(frame.headers["ack"])

    def send(self, destination, headers, body, receipt=False):
        """Sends one frame; with receipt, returns only once the broker confirmed it (stored, if persistent)."""
        rid = None
        if receipt:
            rid = str(uuid.uuid4())
            headers = {**headers, "receipt": rid}
        self.conn.send(destination, body, headers=headers)
        if receipt and not self._wait(lambda: rid in self.receipts, RECEIPT_TIMEOUT_S):
            raise ConnectionError(self.error or f"no receipt for the message to {destination}")

    def close(self):
        if self.conn is not None:
            self._drop(self.conn)
            self.conn = None

    @staticmethod
    def _drop(conn):
        try:
            conn.disconnect()
        except Exception:  # Already gone: nothing left to close.
            pass


class Peer:
    def __init__(self, args):
        self.args = args
        self.rid = args.remote_id
        self.schemas = Schemas(args.schemas, CHANNELS)
        self.signers = Signers(args.trusted_signer)
        self.session = Session(args, self.on_frame)
        # Configs are handled one at a time, off stomp.py's reader thread: a result waits for its receipt,
        # which that thread delivers.
        self.configs = queue.Queue()
        self.ledger = {}  # smt-id -> the result body recorded for it (applied or failed)
        self.last_applied = {}  # "zone:<name>" -> (version, ISO time)
        self.zones = {}  # name -> zone text served
        self.hello_body = None
        # The served inventory: read on stomp.py's reader thread (the served query) and the config worker.
        self.inventory_lock = threading.Lock()
        self.served_seq = 0
        self.served_last = None  # the last inventory built, seq aside
        self.served_sent = None  # the last one sent, seq aside
        self.since = {}  # (name, sha256) -> epoch ms first served with that hash
        self.stats_seq = 0
        self.presence_seq = 0
        self.started = time.time()
        self.stop = threading.Event()

    def envelope(self, mtype, body, corr=None):
        env = {"v": 1, "id": str(uuid.uuid4()), "type": mtype, "from": self.rid,
               "ts": int(time.time() * 1000), "body": body}
        if corr is not None:
            env["corr"] = corr
        return env

    def publish(self, envelope, receipt=False, expect_invalid=False, to=None):
        problems = self.schemas.problems(envelope)
        if expect_invalid:
            emit("local-validation", refused=bool(problems), problems=problems)
        elif problems:
            fail(3, f"our own {envelope['type']} breaks its schema: {'; '.join(problems)}")
        route, persistent, ttl_ms = CHANNELS[envelope["type"]]
        destination = to if route is None else route(self.rid)
        data = json.dumps(envelope, separators=(",", ":")).encode("utf-8")
        headers = {
            "content-type": "application/json",
            "content-length": str(len(data)),
            "persistent": "true" if persistent else "false",
            "smt-type": envelope["type"],
            "smt-id": envelope["id"],
        }
        if ttl_ms is not None:
            headers["expires"] = str(envelope["ts"] + ttl_ms)
        self.session.send(destination, headers, data, receipt=receipt)
        emit("sent", type=envelope["type"], id=envelope["id"], body=envelope["body"])

    def on_frame(self, frame):
        if frame.headers.get("subscription") == "config":
            self.configs.put(frame)
        else:
            self.on_query(frame)

    def on_query(self, frame):
        """On stomp.py's reader thread: answers without waiting for a receipt, then acknowledges."""
        try:
            query = json.loads(frame.body)
        except ValueError:
            query = None
        reply_to = frame.headers.get("reply-to", "")
        # The minimum this code relies on, checked also when python3-jsonschema is missing.
        shaped = (isinstance(query, dict) and query.get("type") == "query" and isinstance(query.get("id"), str)
                  and isinstance(query.get("body"), dict) and isinstance(query["body"].get("query"), str))
        problems = self.schemas.problems(query) if shaped else ["not a query envelope"]
        if problems:
            emit("query-refused", reason="; ".join(problems))
        elif not CONSOLE_REPLY.match(reply_to):
            emit("query-refused", reason=f"reply-to {reply_to!r} is not a console session's reply queue")
        else:
            asked = query["body"]["query"]
            if asked == "hello" and self.hello_body is not None:
                body = {"ok": True, "data": self.hello_body}
            elif asked == "served":
                # Reply data is free JSON: the inventory in it is checked against served.schema.json here.
                data = self.served_body()
                problems = self.schemas.problems(self.envelope("served", data))
                if problems:
                    fail(3, f"our own served inventory breaks its schema: {'; '.join(problems)}")
                body = {"ok": True, "data": data}
            elif asked == "ping":
                body = {"ok": True, "data": {"pong": True, "uptimeS": host_uptime_s()}}
            else:
                body = {"ok": False, "error": f'query "{asked}" is not answered by smt_peer.py'}
            emit("query", query=asked, id=query["id"])
            self.publish(self.envelope("reply", body, corr=query["id"]), to=reply_to)
        self.session.ack(frame)

    def config_worker(self):
        while True:
            frame = self.configs.get()
            if frame is None:
                return
            try:
                self.on_config(frame)
            except (ConnectionError, stomp.exception.StompException, OSError) as e:
                # Not acknowledged: the broker gives it again to the next session.
                emit("config-unfinished", reason=f"{type(e).__name__}: {e}")

    def result(self, console, body):
        self.publish(self.envelope("result", body), receipt=True, to=f"/queue/smt.console.{console}.result")

    def on_config(self, frame):
        """docs/protocol.md "Writing an agent", step 5."""
        try:
            env = json.loads(frame.body)
        except ValueError:
            env = None
        shaped = (isinstance(env, dict) and isinstance(env.get("id"), str) and isinstance(env.get("from"), str)
                  and CONSOLE_ID.match(env["from"]) is not None)
        if not shaped:
            emit("config-refused", reason="not a config envelope from a console: nobody to answer")
            self.session.ack(frame)
            return
        console, ref = env["from"], env["id"]
        problems = self.schemas.problems(env)
        if env.get("type") != "config" or problems:
            reason = "; ".join(problems) or f"type {env.get('type')!r} on the config queue"
            self.result(console, {"ref": ref, "state": "failed",
                                  "reason": f"remote {self.rid} refused the config message (schema): {reason}"})
            self.session.ack(frame)
            return
        b = env["body"]
        about = {"ref": ref, "pushId": b["pushId"], "object": b["object"], "version": b["version"]}
        known = self.ledger.get(ref)
        refusal = None if known else self.signers.refusal(self.rid, env)
        key = f"{b['object']['kind']}:{b['object'].get('name') or b['object'].get('subnet')}"
        applied = self.last_applied.get(key)
        if known:
            body = {**known, "reason": known.get("reason", "answered from the ledger")}
        elif refusal:
            # Not recorded: a forgery under a genuine message's id must not pre-empt it.
            body = {**about, "state": "failed", "reason": refusal}
        elif applied and b["version"] < applied[0]:
            body = {**about, "state": "superseded",
                    "reason": f"version {b['version']} is older than version {applied[0]} applied at {applied[1]}"}
        else:
            body = {**about, **self.apply(b)}
            self.ledger[ref] = body
            if body["state"] == "applied":
                self.last_applied[key] = (b["version"], datetime.datetime.now(datetime.timezone.utc).isoformat())
        emit("config", ref=ref, state=body["state"])
        self.result(console, body)
        self.session.ack(frame)
        if body["state"] == "applied":
            self.send_served(always=False)

    def apply(self, b):
        """A simulated named: zones only, served from memory; sha256 of the text served (empty after a delete)."""
        obj, payload = b["object"], b.get("payload")
        if obj["kind"] != "zone":
            return {"state": "failed", "reason": "smt_peer.py serves DNS zones only"}
        if b["op"] == "delete":
            self.zones.pop(obj["name"], None)
            text = ""
        elif not payload or payload.get("format") != "zone-text":
            return {"state": "failed", "reason": f"upsert of zone {obj['name']} carries no zone-text payload"}
        else:
            text = self.zones[obj["name"]] = payload["text"]
        return {"state": "applied", "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}

    def hello(self):
        self.hello_body = {
            "agent": {"version": AGENT_VERSION, "mode": "simulated"},
            "host": {
                "hostname": self.args.hostname,
                "ips": self.args.ip,
                "serviceTag": f"py-{self.rid}",
                "os": "Debian GNU/Linux (smt_peer.py)",
                "kernel": os.uname().release,
            },
            "capabilities": ["dns"],
            "tags": ["python", "stomp.py"],
            "statsIntervalMs": self.args.interval_ms,
            "presenceIntervalMs": self.args.interval_ms,
        }
        self.publish(self.envelope("hello", self.hello_body), receipt=True)

    def served_body(self):
        """docs/protocol.md "The served inventory": every zone served, whole, seq counting up on change."""
        with self.inventory_lock:
            now = int(time.time() * 1000)
            objects, since = [], {}
            for name in sorted(self.zones, key=lambda n: n.lower().rstrip(".")):
                text = self.zones[name]
                digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
                since[(name, digest)] = self.since.get((name, digest), now)
                applied = self.last_applied.get(f"zone:{name}")
                obj = {"object": {"kind": "zone", "name": name}, "version": applied[0] if applied else None,
                       "sha256": digest, "since": since[(name, digest)]}
                serial = SOA_SERIAL.search(text)
                if serial and int(serial.group(1)) <= 4294967295:
                    obj["serial"] = int(serial.group(1))
                objects.append(obj)
            self.since = since
            content = {"sources": [{"service": "named", "readable": True}],
                       "objects": objects[:MAX_SERVED_OBJECTS], "truncated": len(objects) > MAX_SERVED_OBJECTS}
            if content != self.served_last:
                self.served_seq += 1
                self.served_last = content
            return {"seq": self.served_seq, **content}

    def send_served(self, always):
        """After every hello, and when what is served changed since the last one sent."""
        body = self.served_body()
        content = {k: v for k, v in body.items() if k != "seq"}
        if always or content != self.served_sent:
            self.served_sent = content
            self.publish(self.envelope("served", body), receipt=True)

    def presence(self, state):
        self.presence_seq += 1
        body = {"state": state, "intervalMs": self.args.interval_ms, "seq": self.presence_seq}
        self.publish(self.envelope("presence", body), receipt=state == "offline")

    def stats(self, cpu_pct=None):
        """Made-up but self-consistent figures that change with seq, so a test can tell samples apart."""
        self.stats_seq += 1
        n = self.stats_seq
        gib = 1024 ** 3
        body = {
            "seq": n,
            "localTime": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "uptimeS": 1000 + int(time.time() - self.started),
            "load": [0.25, 0.5, round(0.01 * n, 2)],
            "cpuPct": float(10 + n % 50) if cpu_pct is None else cpu_pct,
            "mem": {"usedBytes": 1 * gib, "totalBytes": 4 * gib},
            "disk": {"usedBytes": 30 * gib, "totalBytes": 120 * gib},
            "processes": [{"name": "named", "running": True, "pid": os.getpid(), "uptimeS": 1000 + n}],
        }
        self.publish(self.envelope("stats", body), expect_invalid=cpu_pct is not None)

    def run(self):
        interval = self.args.interval_ms / 1000
        self.session.open()
        self.hello()
        self.send_served(always=True)
        worker = threading.Thread(target=self.config_worker, daemon=True)
        worker.start()
        self.session.subscribe(CHANNELS["query"][0](self.rid), "query")
        self.session.subscribe(CHANNELS["config"][0](self.rid), "config")
        rounds = 0
        while not self.stop.is_set():
            self.presence("online")
            self.stats()
            rounds += 1
            if self.args.bad and rounds == 1:
                self.stats(cpu_pct=140)
            if self.args.count and rounds >= self.args.count:
                break
            self.stop.wait(interval)
        self.configs.put(None)
        worker.join(RECEIPT_TIMEOUT_S)
        self.presence("offline")
        self.session.close()
        emit("stopped", rounds=rounds)


def main(argv):
    args = parse_args(argv)
    peer = Peer(args)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: peer.stop.set())
    try:
        peer.run()
    except (ConnectionError, stomp.exception.StompException, OSError) as e:
        peer.session.close()
        fail(1, f"the broker session failed: {type(e).__name__}: {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
