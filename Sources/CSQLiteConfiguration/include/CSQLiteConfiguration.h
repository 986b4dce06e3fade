#ifndef CONNECTS_SQLITE_CONFIGURATION_H
#define CONNECTS_SQLITE_CONFIGURATION_H

/// Configures the SQLite library for the way GRDB uses it, before any connection opens: connections
/// without their own mutex (GRDB never shares one between threads at once), no global memory statistics
/// (a process-wide mutex on every allocation), and twice the default memory for undoing a savepoint
/// (see the .c file). Returns 1 when applied, 0 when SQLite was already initialized
/// (nothing changes then). `sqlite3_config` is variadic, which Swift cannot call.
int connects_sqlite_configure(void);

#endif
