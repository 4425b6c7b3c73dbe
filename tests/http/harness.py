"""harness.py - what every HTTP test shares: checks, the real binary, a real
server on a free loopback port, an HTTP client with cookies and forms, and
a database loaded once per test run with the real open data.

fixture_db(dest) copies build/fixture/real.db (territories with contours
and every lieux file of ../shared/data, deduplicated; the demo set when
../shared/data is absent) to dest, building it first when it is missing or
older than build/passerelle. Tests that check the import itself load their
own database (test_http.py).

Standard library only. Each test file prints "check: N passed, M failed".
"""
import fcntl, http.client, json, os, re, shutil, signal, socket, subprocess, tempfile, time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, "build", "passerelle")
SHARED = os.path.join(ROOT, "..", "shared")
DATA = os.path.join(SHARED, "data")
FIXTURE_DIR = os.path.join(ROOT, "build", "fixture")
# Tuesday 24 November 2026, 10:30 local time: "open now" is reproducible.
NOW = int(time.mktime((2026, 11, 24, 10, 30, 0, 0, 0, -1)))

counts = {"passed": 0, "failed": 0}


def check(cond, what):
    if cond:
        counts["passed"] += 1
    else:
        counts["failed"] += 1
        print("FAIL:", what, flush=True)
    return bool(cond)


def done():
    """Print the result line; returns the exit status."""
    print("check: %d passed, %d failed" % (counts["passed"], counts["failed"]))
    return 0 if counts["failed"] == 0 else 1


def cli(db, *args, ok=True, env=None, input=None):
    e = dict(os.environ, **(env or {}))
    r = subprocess.run([BIN, "--db", db, *args], capture_output=True, text=True, cwd=ROOT, env=e,
                       input=input)
    if ok and r.returncode != 0:
        print("command failed:", args, r.stderr[-2000:])
    return r


def real_data():
    return os.path.isdir(os.path.join(DATA, "lieux")) and not os.environ.get("PASSERELLE_TEST_DEMO")


def _build_fixture(path):
    tmp = path + ".tmp"
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(tmp + suffix):
            os.remove(tmp + suffix)
    if real_data():
        cli(tmp, "territoires", "import", "--coords", os.path.join(DATA, "communes", "communes.csv"),
            "--contours", os.path.join(DATA, "boundaries"))
        files = sorted(os.path.join(DATA, "lieux", f) for f in os.listdir(os.path.join(DATA, "lieux")))
    else:
        cli(tmp, "territoires", "import", "--coords", os.path.join(ROOT, "data", "demo", "communes-demo.csv"))
        files = [os.path.join(ROOT, "data", "demo", "lieux-demo.csv")]
    for f in files:
        cli(tmp, "lieux", "import", f, "--no-publish")
    if not real_data():
        cli(tmp, "lieux", "demo", "on")
    r = cli(tmp, "lieux", "dedup")
    if r.returncode != 0:
        raise RuntimeError("fixture: dedup failed: " + r.stderr[-500:])
    # one file, no WAL beside it, so that a plain copy is complete
    import sqlite3
    c = sqlite3.connect(tmp)
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()
    os.replace(tmp, path)


def fixture_db(dest):
    """Copy the shared loaded database to dest (a file path); returns dest."""
    os.makedirs(FIXTURE_DIR, exist_ok=True)
    name = "real.db" if real_data() else "demo.db"
    path = os.path.join(FIXTURE_DIR, name)
    with open(path + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(BIN):
            _build_fixture(path)
    shutil.copyfile(path, dest)
    return dest


TEST_PASSWORD = "mot de passe de test 123"


def make_account(db, email, role, password=TEST_PASSWORD, nom=None, profil=None):
    """An active account with one grant ROLE:PORTEE:CODE (e.g.
    "mediateur:structure:1") and a password; returns its id."""
    args = ["comptes", "inviter", email, "--role", role, "--mot-de-passe-stdin"]
    if nom:
        args += ["--nom", nom]
    if profil:
        args += ["--profil", profil]
    r = cli(db, *args, input=password + "\n")
    m = re.search(r"compte=(\d+)", r.stdout)
    if r.returncode != 0 or not m:
        raise RuntimeError("make_account %s %s: %s" % (email, role, r.stderr))
    return int(m.group(1))


def make_structure(db, nom, commune, courriel=None):
    """A structure in commune (INSEE code); returns its id."""
    args = ["structures", "creer", "--nom", nom, "--commune", commune]
    if courriel:
        args += ["--courriel", courriel]
    r = cli(db, *args)
    m = re.search(r"structure=(\d+)", r.stdout)
    if r.returncode != 0 or not m:
        raise RuntimeError("make_structure: " + r.stderr)
    return int(m.group(1))


def totp_now(secret_b32, at=None):
    """The current RFC 6238 code of a base32 secret (HMAC-SHA-1, 6 digits).
    The server runs with PASSERELLE_NOW fixed: codes are computed for NOW."""
    import base64, hashlib, hmac, struct
    key = base64.b32decode(secret_b32.replace(" ", "") + "=" * (-len(secret_b32.replace(" ", "")) % 8))
    counter = int((NOW if at is None else at) // 30)
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    off = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[off:off + 4])[0] & 0x7fffffff) % 1000000)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers          # list of (name, value)
        self.body = body                # bytes

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def header_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


class Client:
    """An HTTP/1.1 client with a cookie jar, like one browser."""

    def __init__(self, port, host="127.0.0.1"):
        self.port = port
        self.host = host
        self.cookies = {}

    def request(self, method, path, body=None, headers=None, follow=False):
        h = {"Host": "%s:%d" % (self.host, self.port)}
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        h.update(headers or {})
        if isinstance(body, str):
            body = body.encode("utf-8")
        c = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            resp = Response(r.status, r.getheaders(), r.read())
        finally:
            c.close()
        for sc in resp.header_all("Set-Cookie"):
            name, _, rest = sc.partition("=")
            value = rest.split(";", 1)[0]
            if "Max-Age=0" in sc or value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        if follow and resp.status in (301, 302, 303) and resp.header("Location"):
            return self.request("GET", resp.header("Location"), follow=True)
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post_form(self, path, fields, csrf_from=None, follow=False, headers=None):
        """POST an urlencoded form. csrf_from: a page path whose form's csrf
        token is used (fetched first), or a token string, or None."""
        fields = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if csrf_from is not None:
            token = csrf_from if not csrf_from.startswith("/") else self.csrf(csrf_from)
            fields.append(("csrf", token))
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        h.update(headers or {})
        return self.request("POST", path, urllib.parse.urlencode(fields), h, follow=follow)

    def login(self, email, password, totp_secret=None):
        """Sign in through the real form (and the second factor when
        totp_secret, base32, is given). Returns True when signed in."""
        r = self.post_form("/connexion", {"email": email, "mot_de_passe": password}, csrf_from="/connexion")
        if r.status != 303:
            return False
        if (r.header("Location") or "").startswith("/connexion/code"):
            if not totp_secret:
                return False
            r = self.post_form("/connexion/code", {"code": totp_now(totp_secret)}, csrf_from="/connexion/code")
            if r.status != 303:
                return False
        return "pl_session" in self.cookies

    def csrf(self, page):
        r = self.get(page)
        m = re.search(r'name="csrf" value="([^"]*)"', r.text)
        return m.group(1) if m else ""


class Server:
    """build/passerelle serve on a free port, with a fixed clock. The rate
    limit per address is off (--rate 0: every test client is 127.0.0.1)
    unless args set --rate."""

    def __init__(self, db, env=None, args=()):
        if "--rate" not in args:
            args = ("--rate", "0", *args)
        self.db = db
        self.port = free_port()
        e = dict(os.environ, PASSERELLE_NOW=str(NOW))
        e.update(env or {})
        # stderr to a file: a pipe nobody reads would block a chatty server
        self.log = tempfile.TemporaryFile(mode="w+")
        self.p = subprocess.Popen([BIN, "--db", db, "serve", "--port", str(self.port), *args], cwd=ROOT,
                                  env=e, stderr=self.log, text=True)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.p.poll() is not None:
                    break
                time.sleep(0.05)
        raise RuntimeError("server did not start: " + self.read_log())

    def read_log(self):
        self.log.seek(0)
        return self.log.read()

    def client(self):
        return Client(self.port)

    def get(self, path, raw=False):
        r = Client(self.port).get(path)
        return r.status, dict(r.headers), r.body if raw else r.text

    def json(self, path):
        st, h, body = self.get(path)
        return st, json.loads(body)

    def alive(self):
        return self.p.poll() is None and self.get("/sante")[0] == 200

    def stop(self):
        """SIGTERM, wait; returns what the server wrote on stderr."""
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        return self.read_log()


def raw_request(port, data, timeout=3):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
        return out
    except OSError:
        return b""
    finally:
        s.close()
