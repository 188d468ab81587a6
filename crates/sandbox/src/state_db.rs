//! The durable state: a SQLite database shared by every sandbox that opens it.
//!
//! - **One row per connector** (`connectors(script_name PRIMARY KEY, record)`, the
//!   record as JSON): a write costs one row, not the whole state.
//! - **Durable and crash-safe**: WAL journal with `synchronous = FULL`, one transaction
//!   per write, committed before the write is answered; a crash at any moment (even
//!   `kill -9`) leaves the last committed state.
//! - **Shared**: each sandbox keeps the records in memory and reloads them when
//!   `PRAGMA data_version` says another connection committed. Every write is one
//!   `BEGIN IMMEDIATE` transaction that first catches up with such changes, so
//!   concurrent writers, in any process, wait for each other (the busy timeout) instead
//!   of failing or overwriting each other.
//! - **Held**: the database file itself and a lock file beside it (`<file>.lock`) are
//!   both locked *shared* (`flock`, which does not meet SQLite's own `fcntl` locks) by
//!   every open sandbox, and both exclusively by [`state::reset`](crate::state::reset)
//!   and [`state::import`](crate::state::import), which therefore refuse while any
//!   sandbox has the state open, even when someone deleted the lock file.
//! - **Identified** by `PRAGMA application_id` and `user_version`: any other file (an
//!   unrelated database, a JSON state of an older version, a damaged file) is refused
//!   with an error naming it.

use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError, Weak};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OptionalExtension, Transaction, TransactionBehavior};

use crate::api_error::ApiError;
use crate::error::SandboxError;
use crate::isc::store::{Record, Store, Undo};

/// `PRAGMA application_id` of a sandbox state: "cksb".
const APPLICATION_ID: i32 = 0x636b_7362;
/// `PRAGMA user_version`: the schema this code reads and writes.
const SCHEMA_VERSION: i32 = 1;

const SCHEMA: &str = "
    CREATE TABLE connectors (script_name TEXT PRIMARY KEY NOT NULL, record TEXT NOT NULL)
        WITHOUT ROWID;
    CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;
";

/// The `meta` key set once the state holds its first records (seeded or imported).
const INITIALIZED: &str = "initialized";

/// An open state database.
#[derive(Debug)]
pub(crate) struct StateDb {
    path: PathBuf,
    /// Read-only connections that look for other connections' commits, so that
    /// concurrent reads check in parallel instead of queueing on `inner` (none for a
    /// database opened only to read). Declared first: they close before the writer,
    /// which, closing last, checkpoints the write-ahead log into the database file.
    readers: Vec<Mutex<Reader>>,
    inner: Mutex<Inner>,
    /// The lock file and the database file, held shared; released when dropped, after
    /// `inner` (fields drop in order: the connection closes first).
    _held: Held,
}

/// The two files whose `flock` says who uses a state: the lock file beside it and the
/// database file itself (the lock file alone can be deleted under a running sandbox).
#[derive(Debug)]
pub(crate) struct Held {
    _lock_file: File,
    _database: Option<Arc<File>>,
}

/// How a state is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hold {
    /// By a sandbox that uses it: many at once.
    Shared,
    /// By a tool that replaces or deletes it: only when no sandbox has it open.
    Exclusive,
}

/// How many read-only connections a sandbox keeps: as many reads check for other
/// sandboxes' writes at once before one waits.
const READERS: usize = 4;

/// A read-only connection and the `data_version` it last saw, once the store had
/// caught up with it.
#[derive(Debug)]
struct Reader {
    conn: Connection,
    seen: i64,
}

/// The database files this process holds a descriptor of, by device and inode. SQLite's
/// own (`fcntl`) locks belong to the process and are all released when *any*
/// descriptor of the file is closed, so the process opens one descriptor per database
/// for `flock`, shares it between every sandbox that uses the database, and closes it
/// only after their connections.
static DATABASES: Mutex<Vec<(FileId, Weak<File>)>> = Mutex::new(Vec::new());

type FileId = (u64, u64);

#[cfg(unix)]
fn file_id(path: &Path) -> std::io::Result<FileId> {
    use std::os::unix::fs::MetadataExt;
    let metadata = fs::metadata(path)?;
    Ok((metadata.dev(), metadata.ino()))
}

/// Elsewhere the canonical path stands for the file.
#[cfg(not(unix))]
fn file_id(path: &Path) -> std::io::Result<FileId> {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    fs::canonicalize(path)?.hash(&mut hasher);
    Ok((0, hasher.finish()))
}

/// This process's descriptor of the database at `path`, opened if it has none: `None`
/// when the file does not exist. `in_use` says whether a sandbox of this process
/// already had one.
fn database_descriptor(path: &Path) -> std::io::Result<Option<(Arc<File>, bool)>> {
    let id = match file_id(path) {
        Ok(id) => id,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut open = DATABASES.lock().unwrap_or_else(|e| e.into_inner());
    open.retain(|(_, file)| file.strong_count() > 0);
    if let Some(file) = open
        .iter()
        .find(|(i, _)| *i == id)
        .and_then(|(_, f)| f.upgrade())
    {
        return Ok(Some((file, true)));
    }
    let file = Arc::new(File::open(path)?);
    open.push((id, Arc::downgrade(&file)));
    Ok(Some((file, false)))
}

/// Locks the lock file beside `path` and the database file (when it exists) as `hold`
/// says. Shared waits (a reset holds its lock for milliseconds); exclusive refuses at
/// once with [`SandboxError::StateLocked`] while anyone, this process included, holds
/// either.
pub(crate) fn hold(path: &Path, hold: Hold) -> Result<Held, SandboxError> {
    let (lock_file, lock_path) = lock_file(path)?;
    take(&lock_file, &lock_path, path, hold)?;
    let database = database_descriptor(path).map_err(|source| SandboxError::StateIo {
        path: path.to_owned(),
        action: "opening",
        source,
    })?;
    let database = match database {
        None => None,
        // `flock` on the descriptor this process already locks would only convert it.
        Some((_, true)) if hold == Hold::Exclusive => {
            return Err(SandboxError::StateLocked {
                path: path.to_owned(),
                lock_path: path.to_owned(),
            })
        }
        Some((file, _)) => {
            take(&file, path, path, hold)?;
            Some(file)
        }
    };
    Ok(Held {
        _lock_file: lock_file,
        _database: database,
    })
}

fn take(file: &File, file_path: &Path, state: &Path, hold: Hold) -> Result<(), SandboxError> {
    let failed = |source| SandboxError::StateIo {
        path: file_path.to_owned(),
        action: "locking",
        source,
    };
    match hold {
        Hold::Shared => fs4::FileExt::lock_shared(file).map_err(failed),
        Hold::Exclusive => match fs4::FileExt::try_lock(file) {
            Ok(()) => Ok(()),
            Err(fs4::TryLockError::WouldBlock) => Err(SandboxError::StateLocked {
                path: state.to_owned(),
                lock_path: file_path.to_owned(),
            }),
            Err(fs4::TryLockError::Error(source)) => Err(failed(source)),
        },
    }
}

#[derive(Debug)]
struct Inner {
    conn: Connection,
    /// `PRAGMA data_version` when the in-memory store last matched the database.
    seen_version: i64,
}

/// How a state came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// The database held no state: it was seeded now.
    Seeded,
    /// The database held a state: it was loaded (the seed was ignored).
    Loaded,
}

/// What went wrong inside the database, before the path is attached.
#[derive(Debug)]
pub(crate) enum DbError {
    /// SQLite failed (I/O, locking, a damaged file, …).
    Sqlite(rusqlite::Error),
    /// The content is not a sandbox state.
    Corrupt(String),
}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
                DbError::Corrupt(format!("the file is damaged or not a database ({e})"))
            }
            _ => DbError::Sqlite(e),
        }
    }
}

impl DbError {
    /// The error with the database's path and what was being done.
    pub(crate) fn at(self, path: &Path, action: &'static str) -> SandboxError {
        match self {
            DbError::Corrupt(message) => SandboxError::StateCorrupt {
                path: path.to_owned(),
                message: hint_for_json(path, message),
            },
            DbError::Sqlite(source) => SandboxError::StateDatabase {
                path: path.to_owned(),
                action,
                source: Box::new(source),
            },
        }
    }
}

/// Adds how to migrate when the file is a JSON state of an older version.
fn hint_for_json(path: &Path, message: String) -> String {
    let json = fs::read(path)
        .ok()
        .and_then(|bytes| bytes.iter().copied().find(|b| !b.is_ascii_whitespace()))
        == Some(b'{');
    if json {
        format!(
            "{message}; it looks like the JSON state file of an older version: move it \
             aside and import it (`connkit sandbox import FILE`, or \
             connkit_sandbox::state::import)"
        )
    } else {
        message
    }
}

/// The lock file beside `path`, created if missing.
fn lock_file(path: &Path) -> Result<(File, PathBuf), SandboxError> {
    let file_name = path.file_name().ok_or_else(|| {
        SandboxError::Config(format!("state file {} has no file name", path.display()))
    })?;
    let lock_path = path.with_file_name(format!("{}.lock", file_name.to_string_lossy()));
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|source| SandboxError::StateIo {
            path: lock_path.clone(),
            action: "opening the lock file",
            source,
        })?;
    Ok((file, lock_path))
}

impl StateDb {
    /// Opens (creating if missing) the database at `path`; writers wait up to
    /// `busy_timeout` for each other.
    pub(crate) fn open(path: &Path, busy_timeout: Duration) -> Result<StateDb, SandboxError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(|source| SandboxError::StateIo {
                path: dir.to_owned(),
                action: "creating the directory",
                source,
            })?;
        }
        // The lock file first: a reset that holds it has deleted or is deleting the
        // database, which then must not be created again under it. Once the database
        // exists, it is held too (the early hold keeps no descriptor of it open, or
        // shares this process's one: closing it would drop SQLite's locks).
        let early = hold(path, Hold::Shared)?;
        let conn = connect(path, busy_timeout).map_err(|e| e.at(path, "opening"))?;
        let held = hold(path, Hold::Shared)?;
        drop(early);
        let readers = (0..READERS)
            .map(|_| {
                let conn = connect_read_only(path)?;
                let seen = data_version(&conn)?;
                Ok(Mutex::new(Reader { conn, seen }))
            })
            .collect::<Result<_, DbError>>()
            .map_err(|e| e.at(path, "opening"))?;
        Ok(StateDb {
            readers,
            ..StateDb::over(path, conn, held)
        })
    }

    /// Opens the existing database at `path` only to read it: nothing is created,
    /// initialised or changed, and a file that is not a sandbox state (an empty file
    /// among them) is refused.
    pub(crate) fn open_read_only(path: &Path) -> Result<StateDb, SandboxError> {
        let held = hold(path, Hold::Shared)?;
        let conn = connect_read_only(path).map_err(|e| e.at(path, "opening"))?;
        Ok(StateDb::over(path, conn, held))
    }

    fn over(path: &Path, conn: Connection, held: Held) -> StateDb {
        StateDb {
            path: path.to_owned(),
            inner: Mutex::new(Inner {
                conn,
                seen_version: 0,
            }),
            readers: Vec::new(),
            _held: held,
        }
    }

    /// The database file.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The stored state, or `seed()` stored as the state when there is none yet.
    pub(crate) fn load_or_seed(
        &self,
        seed: impl FnOnce() -> Result<Store, SandboxError>,
    ) -> Result<(Store, Origin), SandboxError> {
        let at = |action| move |e: DbError| e.at(&self.path, action);
        let mut inner = self.inner();
        let Inner { conn, seen_version } = &mut *inner;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| at("starting a transaction")(e.into()))?;
        let (store, origin) = if is_initialized(&tx).map_err(at("reading"))? {
            (load(&tx).map_err(at("reading"))?, Origin::Loaded)
        } else {
            let store = seed()?;
            replace_all(&tx, &store).map_err(at("writing the seed"))?;
            (store, Origin::Seeded)
        };
        *seen_version = data_version(&tx).map_err(at("reading"))?;
        tx.commit().map_err(|e| at("committing")(e.into()))?;
        Ok((store, origin))
    }

    /// The stored records, as they are (none in a state never seeded or imported), and
    /// the document under `key` (see [`read_document`](Self::read_document)), read in
    /// one transaction: a consistent snapshot while other sandboxes write.
    pub(crate) fn snapshot(&self, key: &str) -> Result<(Store, Option<String>), SandboxError> {
        let mut inner = self.inner();
        let tx = inner
            .conn
            .transaction()
            .map_err(|e| DbError::from(e).at(&self.path, "reading"))?;
        let read = || -> Result<_, DbError> { Ok((load(&tx)?, document(&tx, key)?)) };
        read().map_err(|e| e.at(&self.path, "reading"))
    }

    /// Replaces the whole state by `store` and the documents `(key, text)` in one
    /// transaction (sandboxes that have it open reload it on their next request).
    pub(crate) fn replace(
        &self,
        store: &Store,
        documents: &[(&str, String)],
    ) -> Result<(), SandboxError> {
        let at = |action| move |e: DbError| e.at(&self.path, action);
        let mut inner = self.inner();
        let tx = inner
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| at("starting a transaction")(e.into()))?;
        replace_all(&tx, store).map_err(at("writing"))?;
        for (key, text) in documents {
            write_document(&tx, key, text).map_err(at("writing"))?;
        }
        tx.commit().map_err(|e| at("committing")(e.into()))
    }

    /// Runs `refresh` (which reloads the store through [`refresh`](Self::refresh)) when
    /// another connection may have committed since the store last caught up. The check
    /// runs on a free read-only connection, so concurrent reads do not wait for each
    /// other; a reader remembers what it saw only once `refresh` is done, so no read
    /// that starts after a commit can answer from the store as it was before it.
    pub(crate) fn catch_up_reads(
        &self,
        refresh: impl FnOnce() -> Result<(), ApiError>,
    ) -> Result<(), ApiError> {
        let free = self
            .readers
            .iter()
            .find_map(|reader| match reader.try_lock() {
                Ok(guard) => Some(guard),
                Err(TryLockError::Poisoned(e)) => Some(e.into_inner()),
                Err(TryLockError::WouldBlock) => None,
            });
        let mut reader = match free {
            Some(reader) => reader,
            None => match self.readers.first() {
                Some(reader) => reader.lock().unwrap_or_else(|e| e.into_inner()),
                None => return self.catch_up_on_writer(refresh),
            },
        };
        let version = data_version(&reader.conn).map_err(|e| self.api_error(e))?;
        if version != reader.seen {
            // Our own writes count too: the refresh then finds nothing to load.
            refresh()?;
            reader.seen = version;
        }
        Ok(())
    }

    /// [`catch_up_reads`](Self::catch_up_reads) for a database opened without readers.
    fn catch_up_on_writer(
        &self,
        refresh: impl FnOnce() -> Result<(), ApiError>,
    ) -> Result<(), ApiError> {
        let stale = {
            let inner = self.inner();
            data_version(&inner.conn).map_err(|e| self.api_error(e))? != inner.seen_version
        };
        if stale {
            refresh()?;
        }
        Ok(())
    }

    /// Reloads `store` if another connection committed since it was loaded.
    pub(crate) fn refresh(&self, store: &mut Store) -> Result<(), ApiError> {
        let mut inner = self.inner();
        let Inner { conn, seen_version } = &mut *inner;
        let tx = conn.transaction().map_err(|e| self.api_error(e.into()))?;
        catch_up(&tx, store, seen_version).map_err(|e| self.api_error(e))
    }

    /// Runs one mutation of `store` and commits it as one transaction. `change`
    /// returns its answer and how to undo it (`None` when it changed nothing); when the
    /// database cannot be written the change is undone and the answer is a 500.
    pub(crate) fn commit<T>(
        &self,
        store: &mut Store,
        change: impl FnOnce(&mut Store) -> Result<(T, Option<Undo>), ApiError>,
    ) -> Result<T, ApiError> {
        let mut inner = self.inner();
        let Inner { conn, seen_version } = &mut *inner;
        // Waits (busy timeout) for a writer in another process.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.api_error(e.into()))?;
        catch_up(&tx, store, seen_version).map_err(|e| self.api_error(e))?;
        let (answer, undo) = change(store)?;
        let Some(undo) = undo else {
            return Ok(answer); // nothing to write: the transaction rolls back
        };
        let written = write_record(&tx, store, undo.script_name())
            .and_then(|()| tx.commit().map_err(DbError::from));
        if let Err(e) = written {
            store.undo(undo);
            return Err(self.api_error(e));
        }
        Ok(answer)
    }

    fn api_error(&self, e: DbError) -> ApiError {
        ApiError::Internal(self.describe(e))
    }

    /// What failed, naming the database.
    fn describe(&self, e: DbError) -> String {
        let text = match e {
            DbError::Sqlite(e) => e.to_string(),
            DbError::Corrupt(message) => message,
        };
        format!(
            "the sandbox could not use its state database {}: {text}",
            self.path.display()
        )
    }

    /// `PRAGMA data_version`: changes when another connection commits.
    pub(crate) fn version(&self) -> Result<i64, String> {
        data_version(&self.inner().conn).map_err(|e| self.describe(e))
    }

    /// The document kept whole under `key` in `meta` (for a small state: the
    /// ConductorOne side's) and the version it was read at.
    pub(crate) fn read_document(&self, key: &str) -> Result<(Option<String>, i64), String> {
        let mut inner = self.inner();
        let read = |tx: &Transaction<'_>| -> Result<_, DbError> {
            Ok((document(tx, key)?, data_version(tx)?))
        };
        let tx = inner
            .conn
            .transaction()
            .map_err(|e| self.describe(e.into()))?;
        read(&tx).map_err(|e| self.describe(e))
    }

    /// Changes the document under `key` in one write transaction. `change` gets the
    /// stored text when another connection committed since version `seen` (the caller
    /// reloads it first), else `None`, and returns its answer and the text to store
    /// (`None`: nothing to write). Returns the answer and the version now seen; `Err`
    /// when the database failed (the caller then drops its change).
    pub(crate) fn write_document<T>(
        &self,
        key: &str,
        seen: i64,
        change: impl FnOnce(Option<String>) -> (T, Option<String>),
    ) -> Result<(T, i64), String> {
        let mut inner = self.inner();
        let tx = inner
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.describe(e.into()))?;
        let written = (|| -> Result<_, DbError> {
            let version = data_version(&tx)?;
            let fresh = if version == seen {
                None
            } else {
                document(&tx, key)?
            };
            let (answer, text) = change(fresh);
            if let Some(text) = text {
                write_document(&tx, key, &text)?;
                tx.commit()?;
            }
            Ok((answer, version))
        })();
        written.map_err(|e| self.describe(e))
    }
}

fn document(conn: &Connection, key: &str) -> Result<Option<String>, DbError> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| {
            row.get(0)
        })
        .optional()?)
}

fn write_document(conn: &Connection, key: &str, text: &str) -> Result<(), DbError> {
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
        (key, text),
    )?;
    Ok(())
}

/// Opens and configures the connection, creating the schema in a new database and
/// checking it in an existing one.
fn connect(path: &Path, busy_timeout: Duration) -> Result<Connection, DbError> {
    let mut conn = Connection::open(path)?;
    conn.busy_timeout(busy_timeout)?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(DbError::Corrupt(format!(
            "the database cannot use a write-ahead log (journal mode stays '{mode}')"
        )));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let application_id: i32 = tx.query_row("PRAGMA application_id", [], |row| row.get(0))?;
    let version: i32 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let tables: i64 = tx.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))?;
    if application_id == 0 && version == 0 && tables == 0 {
        tx.execute_batch(SCHEMA)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    } else {
        check_identity(application_id, version)?;
    }
    tx.commit()?;
    Ok(conn)
}

fn connect_read_only(path: &Path) -> Result<Connection, DbError> {
    let conn = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let application_id: i32 = conn.query_row("PRAGMA application_id", [], |row| row.get(0))?;
    let version: i32 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    check_identity(application_id, version)?;
    Ok(conn)
}

/// Refuses a database that is not a sandbox state of the schema this code reads.
fn check_identity(application_id: i32, version: i32) -> Result<(), DbError> {
    if application_id != APPLICATION_ID {
        return Err(DbError::Corrupt(
            "the database is not a connkit sandbox state".to_owned(),
        ));
    }
    if version != SCHEMA_VERSION {
        return Err(DbError::Corrupt(format!(
            "schema version {version} is not supported (this sandbox reads version \
             {SCHEMA_VERSION})"
        )));
    }
    Ok(())
}

fn data_version(conn: &Connection) -> Result<i64, DbError> {
    Ok(conn.query_row("PRAGMA data_version", [], |row| row.get(0))?)
}

fn is_initialized(conn: &Connection) -> Result<bool, DbError> {
    Ok(conn
        .query_row("SELECT 1 FROM meta WHERE key = ?1", [INITIALIZED], |_| {
            Ok(())
        })
        .optional()?
        .is_some())
}

/// Every stored record, checked for conflicts.
fn load(conn: &Connection) -> Result<Store, DbError> {
    let mut statement = conn.prepare("SELECT script_name, record FROM connectors")?;
    let mut rows = statement.query([])?;
    let mut records = Vec::new();
    while let Some(row) = rows.next()? {
        let script: String = row.get(0)?;
        let json: String = row.get(1)?;
        let record: Record = serde_json::from_str(&json).map_err(|e| {
            DbError::Corrupt(format!(
                "the record of connector '{script}' is invalid: {e}"
            ))
        })?;
        if record.script_name != script {
            return Err(DbError::Corrupt(format!(
                "the record stored as '{script}' has scriptName '{}'",
                record.script_name
            )));
        }
        records.push(record);
    }
    Store::from_records(records).map_err(|conflict| DbError::Corrupt(conflict.to_string()))
}

/// Reloads `store` when the database changed since `seen_version`.
fn catch_up(
    tx: &Transaction<'_>,
    store: &mut Store,
    seen_version: &mut i64,
) -> Result<(), DbError> {
    let version = data_version(tx)?;
    if version != *seen_version {
        *store = load(tx)?;
        *seen_version = version;
    }
    Ok(())
}

/// Writes the current form of one record: upserted, or deleted when it is gone.
fn write_record(tx: &Transaction<'_>, store: &Store, script: &str) -> Result<(), DbError> {
    match store.get(script) {
        Some(record) => {
            tx.execute(
                "INSERT INTO connectors (script_name, record) VALUES (?1, ?2) \
                 ON CONFLICT (script_name) DO UPDATE SET record = excluded.record",
                (script, record_json(record)),
            )?;
        }
        None => {
            tx.execute("DELETE FROM connectors WHERE script_name = ?1", [script])?;
        }
    }
    Ok(())
}

/// Replaces every row by `store`'s records and marks the state initialized.
fn replace_all(tx: &Transaction<'_>, store: &Store) -> Result<(), DbError> {
    tx.execute("DELETE FROM connectors", [])?;
    let mut insert = tx.prepare("INSERT INTO connectors (script_name, record) VALUES (?1, ?2)")?;
    for record in store.records() {
        insert.execute((&record.script_name, record_json(record)))?;
    }
    tx.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, 'true')",
        [INITIALIZED],
    )?;
    Ok(())
}

fn record_json(record: &Record) -> String {
    // Records hold only strings, booleans and JSON values: serializing cannot fail.
    serde_json::to_string(record).unwrap_or_default()
}
