#include <sqlite3.h>
#include "CSQLiteConfiguration.h"

int connects_sqlite_configure(void) {
    if (sqlite3_config(SQLITE_CONFIG_MULTITHREAD) != SQLITE_OK) return 0;
    if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK) return 0;
    /* Every write of a group commit runs in a savepoint, whose undo journal SQLite keeps in memory up
       to this size and then moves to a temporary file, one write call per page. 64 KiB (the default)
       spills on most proposals; 128 KiB keeps nearly all of them in memory (figure 1 of the bench:
       from 2,300-2,500 to 2,800-3,400 proposals/s). It cannot be larger: SQLite 3.40 writes a spilled
       journal one whole in-memory chunk of this size per call, and its Unix file layer writes at most
       128 KiB - 1 per call, so a larger value fails every write whose journal spills, with SQLITE_FULL
       (SQLiteStoreTests.largeRollback). */
    if (sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 128 * 1024 - 1) != SQLITE_OK) return 0;
    return 1;
}
