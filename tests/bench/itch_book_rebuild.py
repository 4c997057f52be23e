"""itch-book (PyPI, an independent C++ ITCH 5.0 book builder) rebuilding every order book of an
ITCH 5.0 file: its session fed the file in 8 MiB chunks, no tables kept. Prints one JSON line:
messages, wall and CPU seconds, and what its books found: references missing (an E or D of no
live order), duplicate (an A of a live one), books crossed at the end, bytes left undecoded."""
import json
import sys
import time

from itch_book import Session

path = sys.argv[1]
session = Session(tables=[], depth=0, symbols=[])
wall, cpu = time.perf_counter(), time.process_time()
with open(path, "rb") as f:
    while chunk := f.read(8 << 20):
        session.feed(chunk)
stats = session.stats()
print(json.dumps({
    "messages": stats["messages"],
    "wall": time.perf_counter() - wall,
    "cpu": time.process_time() - cpu,
    "pending_bytes": stats["pending_bytes"],
    "missing_refs": stats["missing_ref"],
    "duplicate_refs": stats["dup_ref"],
    "crossed_books": stats["crossed_books"],
    "malformed": stats["malformed"],
}))
