"""ClickHouse's HTTP interface over one chdb session, for the tests.

    python chdb_http.py [--port N] [--path DIR]

Prints "listening on PORT" once it serves on 127.0.0.1 (port 0, the default, picks a free one).
Every request runs in the same chdb session (data in DIR, else a temporary directory removed at
exit), one at a time: tables, materialized views and Kafka consumers live as long as the process.

What it speaks, as clickhouse-server does and @clickhouse/client expects:
  GET /ping and GET / without a query           -> 200 "Ok.\n"
  GET|POST /?query=SQL, or the SQL as POST body  -> 200 and the result bytes, in the query's
      FORMAT clause, else default_format, else TabSeparated
  POST /?query=INSERT ... FORMAT F with data     -> the body is the data, in format F
  database=, param_NAME=, query_id=; any other parameter is a setting for that query alone
  enable_http_compression=1 + Accept-Encoding: gzip -> gzip response; Content-Encoding: gzip body
  errors: "Code: N. DB::Exception: ... (NAME) (version V)" with X-ClickHouse-Exception-Code: N
It does not check users or passwords, has no sessions (session_id is ignored), and lets GET
requests write (clickhouse-server makes them read-only).
"""

import argparse
import gzip
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import chdb
import chdb.session

NOT_SETTINGS = {
    "query", "query_id", "database", "default_format", "session_id", "session_timeout",
    "session_check", "user", "password", "quota_key", "role", "compress", "decompress",
    "enable_http_compression", "wait_end_of_query", "buffer_size",
}
SETTING_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
FORMAT_AT_END = re.compile(r"\bFORMAT\s+(\w+)\s*;?\s*$", re.IGNORECASE)
INSERT_WITH_FORMAT = re.compile(r"^\s*(INSERT\s.*?)\s+FORMAT\s+(\w+)\s*$", re.IGNORECASE | re.DOTALL)
ERROR = re.compile(r"Code: (\d+)\. ")
# chdb's StreamingStorageRegistry refuses every new Kafka table with this LOGICAL_ERROR, after the
# table has been created, started and attached (it consumes normally). Such a CREATE succeeded.
KAFKA_CREATE = re.compile(
    r"^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([`\"\w.]+).*\bENGINE\s*=\s*Kafka\b",
    re.IGNORECASE | re.DOTALL,
)
HTTP_STATUS = {62: 400, 60: 404, 81: 404}  # SYNTAX_ERROR, UNKNOWN_TABLE, UNKNOWN_DATABASE


class QueryError(Exception):
    def __init__(self, message):
        super().__init__(message)
        match = ERROR.search(message)
        self.code = int(match.group(1)) if match else 1002  # UNKNOWN_EXCEPTION


class Engine:
    """The one chdb session; every use of it holds the lock."""

    def __init__(self, path):
        self.session = chdb.session.Session(path)
        self.lock = threading.Lock()
        self.version = self._run("SELECT version()", "TabSeparated").bytes().decode().strip()

    def _run(self, sql, fmt, params=None):
        try:
            return self.session.query(sql, fmt, params=params)
        except Exception as e:  # chdb raises RuntimeError or its own error types
            raise QueryError(str(e).split("\nStack trace")[0].strip()) from None

    def execute(self, sql, fmt, settings, database, params, data):
        with self.lock:
            applied = []
            try:
                if database:
                    self._run(f"USE {quote_identifier(database)}", "TabSeparated")
                for name, value in settings.items():
                    self._run(f"SET {name} = {quote_string(value)}", "TabSeparated")
                    applied.append(name)
                if data is not None:
                    return self._insert(sql, data)
                return self._query(sql, fmt, params)
            finally:
                for name in applied:
                    self._run(f"SET {name} = DEFAULT", "TabSeparated")
                if database:
                    self._run("USE default", "TabSeparated")

    def _query(self, sql, fmt, params):
        try:
            res = self._run(sql, fmt, params or None)
        except QueryError as e:
            kafka = KAFKA_CREATE.match(sql)
            if not (e.code == 49 and "Shutdown was called" in str(e) and kafka):
                raise
            exists = self._run(f"EXISTS TABLE {kafka.group(1)}", "TabSeparated")
            if exists.bytes().strip() != b"1":
                raise
            return b"", {}
        return res.bytes(), {
            "read_rows": res.rows_read(),
            "read_bytes": res.bytes_read(),
            "result_rows": res.rows_read(),
            "result_bytes": len(res.bytes()),
            "elapsed_ns": int(res.elapsed() * 1e9),
        }

    def _insert(self, sql, data):
        match = INSERT_WITH_FORMAT.match(sql)
        if not match:
            # As clickhouse-server does: the body continues the query text.
            return self._query(sql + "\n" + data.decode(), "TabSeparated", None)
        try:
            inserter = self.session.send_insert(match.group(1), match.group(2))
            inserter.append(data)
            res = inserter.finish()
        except Exception as e:
            raise QueryError(str(e).split("\nStack trace")[0].strip()) from None
        return b"", {"written_rows": getattr(res, "rows_written", 0), "written_bytes": len(data)}


def quote_string(value):
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def quote_identifier(name):
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"


def make_handler(engine):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "chdb_http"

        def log_message(self, *args):
            pass

        def do_GET(self):
            self.handle_request(b"")

        def do_POST(self):
            self.handle_request(self.read_body())

        def read_body(self):
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                body = bytearray()
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        break
                    body += self.rfile.read(size)
                    self.rfile.readline()
                body = bytes(body)
            else:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.headers.get("Content-Encoding", "").lower() == "gzip":
                body = gzip.decompress(body)
            return body

        def handle_request(self, body):
            url = urlsplit(self.path)
            args = dict(parse_qsl(url.query, keep_blank_values=True))
            query_id = args.get("query_id") or str(uuid.uuid4())
            if url.path == "/ping" or (url.path == "/" and "query" not in args and not body):
                return self.reply(200, b"Ok.\n", {})
            if url.path != "/":
                return self.reply(404, f"There is no handle {url.path}\n".encode(), {})
            if "query" in args:
                sql, data = args["query"], (body or None)
            else:
                sql, data = body.decode(), None
            fmt_match = FORMAT_AT_END.search(sql)
            fmt = fmt_match.group(1) if fmt_match else args.get("default_format", "TabSeparated")
            params = {k[6:]: v for k, v in args.items() if k.startswith("param_")}
            settings = {
                k: v for k, v in args.items() if k not in NOT_SETTINGS and not k.startswith("param_")
            }
            headers = {"X-ClickHouse-Query-Id": query_id, "X-ClickHouse-Format": fmt}
            try:
                bad = [k for k in settings if not SETTING_NAME.match(k)]
                if bad:
                    raise QueryError(f"Code: 115. DB::Exception: Unknown setting {bad[0]}. (UNKNOWN_SETTING)")
                out, summary = engine.execute(
                    sql, fmt, settings, args.get("database"), params, data
                )
            except QueryError as e:
                message = f"{e} (version {engine.version})\n"
                headers["X-ClickHouse-Exception-Code"] = str(e.code)
                return self.reply(HTTP_STATUS.get(e.code, 500), message.encode(), headers)
            headers["X-ClickHouse-Summary"] = json.dumps({k: str(v) for k, v in summary.items()})
            gzip_ok = args.get("enable_http_compression") == "1" and "gzip" in self.headers.get(
                "Accept-Encoding", ""
            )
            if gzip_ok:
                out = gzip.compress(out)
                headers["Content-Encoding"] = "gzip"
            self.reply(200, out, headers)

        def reply(self, status, body, headers):
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler


def main():
    parser = argparse.ArgumentParser(description="ClickHouse HTTP interface over chdb")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--path", default=None, help="session data directory (default: temporary)")
    opts = parser.parse_args()
    path = opts.path or tempfile.mkdtemp(prefix="chdb_http_")
    engine = Engine(path)
    server = ThreadingHTTPServer(("127.0.0.1", opts.port), make_handler(engine))
    server.daemon_threads = True
    parent = os.getppid()

    def stop(*_):
        # Closing the session stops the Kafka consumers (they leave their group); a hang there
        # must not keep the process alive.
        threading.Timer(10, lambda: os._exit(0)).start()
        threading.Thread(target=server.shutdown, daemon=True).start()

    def watch_parent():
        while os.getppid() == parent:
            time.sleep(1)
        stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    threading.Thread(target=watch_parent, daemon=True).start()
    print(f"listening on {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    finally:
        with engine.lock:
            engine.session.close()
        if not opts.path:
            shutil.rmtree(path, ignore_errors=True)
        sys.stdout.flush()
        os._exit(0)


if __name__ == "__main__":
    main()
