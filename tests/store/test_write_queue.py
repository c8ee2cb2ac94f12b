"""SQLite writers take turns across processes and threads instead of sleeping on a locked file."""

import subprocess
import sys
import textwrap
import threading
import time

from kiosk.store.write_queue import WriteQueue


def test_writers_in_two_processes_take_turns(tmp_path):
    script = textwrap.dedent(f"""
        import time
        from pathlib import Path
        from kiosk.store.write_queue import WriteQueue
        queue = WriteQueue(Path({str(tmp_path / "kiosk.sqlite3")!r}))
        with queue.hold():
            print(time.monotonic(), flush=True)
            time.sleep(0.4)
            print(time.monotonic(), flush=True)
    """)
    writers = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) for _ in range(2)]
    spans = sorted(tuple(float(t) for t in writer.communicate(timeout=30)[0].split()) for writer in writers)
    assert all(writer.returncode == 0 for writer in writers)
    first, second = spans
    assert second[0] >= first[1]  # the second writer began only when the first had finished


def test_threads_take_turns_and_a_writer_may_nest(tmp_path):
    queue = WriteQueue(tmp_path / "kiosk.sqlite3")
    inside = []

    def write():
        with queue.hold(), queue.hold():  # nested: a write inside a write of the same thread
            inside.append(1)
            assert len(inside) == 1  # nobody else is writing
            time.sleep(0.01)
            inside.pop()

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert not inside and not any(thread.is_alive() for thread in threads)


def test_a_missing_folder_leaves_the_error_to_the_database(tmp_path):
    queue = WriteQueue(tmp_path / "gone" / "kiosk.sqlite3")  # the folder went away (an outage)
    with queue.hold():
        pass  # no crash here: the write itself fails with the database's own error, shown as the 503 page
    (tmp_path / "gone").mkdir()
    with queue.hold():
        assert (tmp_path / "gone" / "kiosk.sqlite3.write-lock").exists()  # back: writers queue again
