#include <sqlite3.h>
#include "CSQLiteConfiguration.h"

int connects_sqlite_configure(void) {
    if (sqlite3_config(SQLITE_CONFIG_MULTITHREAD) != SQLITE_OK) return 0;
    if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK) return 0;
    return 1;
}
