"""Parse an uploaded workbook in a child process and stream its rows to the parent.

Run by path, not as a module (``python -I parse_child.py FILE MEMORY_BYTES CPU_SECONDS``),
so it imports neither Django nor gonghui: only the standard library and calamine. Its
address space and CPU time are capped before the file is opened, so a workbook that makes
calamine allocate without bound (a sparse sheet whose corners are far apart, a repeated-row
bomb in an .ods) ends this process, and the parent fails that one job with a reason instead
of the task worker dying with it.

Messages on stdout are pickled tuples: ("sheet", name), ("rows", [(number, cells), ...]),
("error", text) and finally ("end",). Cells are plain Python values (str, int, float, bool,
date, datetime, time, timedelta); the parent unpickles only what this script wrote.
"""

from __future__ import annotations

import pickle
import resource
import sys

BATCH = 1000


def main(path: str, memory: int, cpu: int) -> int:
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    if cpu > 0:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    out = sys.stdout.buffer

    def send(message: tuple) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)

    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(path)
        names = list(workbook.sheet_names)
    except Exception as exc:  # calamine's own error types: a broken or encrypted file
        send(("error", type(exc).__name__))
        return 0
    for index, name in enumerate(names):
        send(("sheet", str(name)))
        try:
            sheet = workbook.get_sheet_by_index(index)
            batch: list[tuple[int, list]] = []
            # calamine yields rows from the sheet's first row, so the index is the row number.
            for number, cells in enumerate(sheet.iter_rows(), start=1):
                batch.append((number, cells))
                if len(batch) >= BATCH:
                    send(("rows", batch))
                    batch = []
            if batch:
                send(("rows", batch))
        except MemoryError:
            raise
        except Exception as exc:
            send(("error", type(exc).__name__))
            return 0
        out.flush()
    send(("end",))
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
