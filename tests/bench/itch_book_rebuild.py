"""Times itch-book (PyPI) rebuilding every order book of an ITCH 5.0 file: its C++ session fed
the file in 8 MiB chunks, no tables kept. Prints one JSON line: messages, wall and CPU seconds."""
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
}))
