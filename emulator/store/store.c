/*
 * store.c: the SQLite database behind frontgate: opening, locking, migrations, and every SQL
 * statement the program runs. See store.h for the guarantees.
 */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct fg_store {
	sqlite3 *db;
	pthread_mutex_t mu;
	char *path;
	int lock_fd;       /* -1 for :memory: */
	char *lock_path;
	/* The trace writer's statements, prepared once (under mu): preparing them for every
	 * batch cost more than the inserts (scripts/bench). */
	sqlite3_stmt *trace_ins, *trace_trim;
	/* The ring is trimmed every trace_slack() appended rows, not every batch; until then
	 * reads see only the newest trace_keep rows, so what they return is exact. */
	int64_t trace_keep;       /* the limit of the last append; INT64_MAX before one */
	size_t trace_untrimmed;   /* rows appended since the last trim */
};

/* Migration i brings a database from user_version i to i + 1. */
static const char *const migrations[] = {
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE stacks(name TEXT PRIMARY KEY, seq INTEGER NOT NULL, doc TEXT NOT NULL);"
	"CREATE TABLE traces(seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL,"
	"  at_ms INTEGER NOT NULL, doc TEXT NOT NULL);"
	"CREATE INDEX traces_by_id ON traces(id);",
	/* 2: key material (the local CA, certificates it issued), see fg_store_pki_put */
	"CREATE TABLE pki(id TEXT PRIMARY KEY, cert_pem TEXT NOT NULL, key_pem TEXT NOT NULL,"
	"  created_ms INTEGER NOT NULL);",
};

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == FG_STORE_SCHEMA_VERSION,
	       "one migration per schema version");

static int db_fail(struct fg_store *s, struct fg_err *err, const char *what)
{
	fg_err_set(err, 500, "DatabaseError", "%s: %s", what, sqlite3_errmsg(s->db));
	return -1;
}

static int exec(struct fg_store *s, const char *sql, struct fg_err *err)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fg_err_set(err, 500, "DatabaseError", "%s", msg ? msg : "sqlite error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* Ends a failed transaction; the error that caused it is what the caller reports. */
static void rollback(struct fg_store *s)
{
	struct fg_err ignored;

	fg_err_clear(&ignored);
	exec(s, "ROLLBACK", &ignored);
}

static int mkdir_parent(const char *path, struct fg_err *err)
{
	char *dir = strdup(path);
	char *slash = strrchr(dir, '/');

	if (slash != NULL && slash != dir) {
		*slash = '\0';
		for (char *p = dir + 1; *p; p++) {
			if (*p == '/') {
				*p = '\0';
				mkdir(dir, 0755);
				*p = '/';
			}
		}
		if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
			fg_err_set(err, 500, "DatabaseError", "cannot create directory %s: %s", dir,
				   strerror(errno));
			free(dir);
			return -1;
		}
	}
	free(dir);
	return 0;
}

/* An exclusive flock on "<path>.lock", held for the life of the store. */
static int take_lock(struct fg_store *s, struct fg_err *err)
{
	char pid[32] = "";
	ssize_t n;

	s->lock_path = malloc(strlen(s->path) + 6);
	sprintf(s->lock_path, "%s.lock", s->path);
	s->lock_fd = open(s->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->lock_fd < 0) {
		fg_err_set(err, 500, "DatabaseError", "cannot open lock file %s: %s", s->lock_path,
			   strerror(errno));
		return -1;
	}
	if (flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		n = pread(s->lock_fd, pid, sizeof(pid) - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		fg_err_set(err, 409, "DatabaseInUse",
			   "database %s is in use by another frontgate process%s%s%s; stop it, or "
			   "give this one another --db (or --db :memory:)",
			   s->path, pid[0] ? " (pid " : "", pid, pid[0] ? ")" : "");
		return -1;
	}
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(s->lock_fd, 0) != 0 || pwrite(s->lock_fd, pid, strlen(pid), 0) < 0) {
		/* the pid is informational only */
	}
	return 0;
}

/* The database holds private keys (the local CA's): only its owner may read it. SQLite gives
 * the -wal and -shm files the database file's mode. */
static int private_file(const char *path, struct fg_err *err)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0 || fchmod(fd, 0600) != 0) {
		fg_err_set(err, 500, "DatabaseError", "cannot open %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int user_version(struct fg_store *s, int *v, struct fg_err *err)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return db_fail(s, err, "reading the schema version");
	*v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return 0;
}

static int migrate(struct fg_store *s, struct fg_err *err)
{
	int v;
	char sql[64];

	if (user_version(s, &v, err) != 0)
		return -1;
	if (v > FG_STORE_SCHEMA_VERSION) {
		fg_err_set(err, 500, "DatabaseError",
			   "database %s has schema version %d, newer than this frontgate's %d; "
			   "use the frontgate that wrote it", s->path, v, FG_STORE_SCHEMA_VERSION);
		return -1;
	}
	for (; v < FG_STORE_SCHEMA_VERSION; v++) {
		if (exec(s, "BEGIN IMMEDIATE", err) != 0)
			return -1;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (exec(s, migrations[v], err) != 0 || exec(s, sql, err) != 0) {
			rollback(s);
			return -1;
		}
		if (exec(s, "COMMIT", err) != 0)
			return -1;
	}
	return 0;
}

int fg_store_open(const char *path, struct fg_store **out, struct fg_err *err)
{
	struct fg_store *s = calloc(1, sizeof(*s));
	bool mem = strcmp(path, ":memory:") == 0;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;

	FG_ASSERT(s != NULL);
	pthread_mutex_init(&s->mu, NULL);
	s->path = strdup(path);
	s->lock_fd = -1;
	s->trace_keep = INT64_MAX;
	*out = NULL;
	if (!mem && (mkdir_parent(path, err) != 0 || take_lock(s, err) != 0))
		goto fail;
	if (!mem && private_file(path, err) != 0)
		goto fail;
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		db_fail(s, err, "opening the database");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 5000);
	if (!mem && (exec(s, "PRAGMA journal_mode=WAL", err) != 0 ||
		     exec(s, "PRAGMA synchronous=FULL", err) != 0))
		goto fail;
	if (exec(s, "PRAGMA foreign_keys=ON", err) != 0 || migrate(s, err) != 0)
		goto fail;
	*out = s;
	return 0;
fail:
	if (fg_err_isset(err) && strstr(err->message, s->path) == NULL &&
	    strcmp(err->code, "DatabaseError") == 0) {
		size_t used = strlen(err->message);

		snprintf(err->message + used, sizeof(err->message) - used, " (database %.200s)",
			 s->path);
	}
	fg_store_close(&s);
	return -1;
}

void fg_store_close(struct fg_store **sp)
{
	struct fg_store *s = *sp;

	if (s == NULL)
		return;
	sqlite3_finalize(s->trace_ins);
	sqlite3_finalize(s->trace_trim);
	if (s->db != NULL)
		sqlite3_close(s->db);
	if (s->lock_fd >= 0)
		close(s->lock_fd); /* releases the flock; the file stays (harmless, reused) */
	pthread_mutex_destroy(&s->mu);
	free(s->lock_path);
	free(s->path);
	free(s);
	*sp = NULL;
}

const char *fg_store_path(const struct fg_store *s)
{
	return s->path;
}

/* ---------------------------------------------------------------- stacks */

int fg_store_stacks_load(struct fg_store *s, cJSON **out, struct fg_err *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	*out = cJSON_CreateArray();
	pthread_mutex_lock(&s->mu);
	if (sqlite3_prepare_v2(s->db, "SELECT name, doc FROM stacks ORDER BY seq", -1, &st,
			       NULL) != SQLITE_OK) {
		rc = db_fail(s, err, "loading stacks");
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		cJSON *doc = cJSON_Parse((const char *)sqlite3_column_text(st, 1));

		if (doc == NULL) {
			fg_err_set(err, 500, "DatabaseError", "stack %s: stored document is not JSON",
				   sqlite3_column_text(st, 0));
			rc = -1;
			break;
		}
		cJSON_AddItemToArray(*out, doc);
	}
	sqlite3_finalize(st);
out:
	pthread_mutex_unlock(&s->mu);
	if (rc != 0) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return rc;
}

static int put_stack(struct fg_store *s, const cJSON *doc, struct fg_err *err)
{
	static const char sql[] =
		"INSERT INTO stacks(name, seq, doc) VALUES(?1,"
		" (SELECT COALESCE(MAX(seq), 0) + 1 FROM stacks), ?2)"
		" ON CONFLICT(name) DO UPDATE SET doc = excluded.doc";
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(doc, "Name");
	sqlite3_stmt *st;
	char *text;
	int rc;

	if (!cJSON_IsString(name)) {
		fg_err_set(err, 500, "DatabaseError", "stack document without a Name");
		return -1;
	}
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_fail(s, err, "writing a stack");
	text = cJSON_PrintUnformatted(doc);
	sqlite3_bind_text(st, 1, name->valuestring, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, text, -1, free);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(s, err, "writing a stack");
	sqlite3_finalize(st);
	return rc;
}

static int delete_stack(struct fg_store *s, const char *name, struct fg_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "DELETE FROM stacks WHERE name = ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return db_fail(s, err, "deleting a stack");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(s, err, "deleting a stack");
	sqlite3_finalize(st);
	return rc;
}

int fg_store_stacks_commit(struct fg_store *s, const cJSON *upserts, const cJSON *deletes,
			   bool replace_all, struct fg_err *err)
{
	const cJSON *it;
	int rc = -1;

	pthread_mutex_lock(&s->mu);
	if (exec(s, "BEGIN IMMEDIATE", err) != 0)
		goto out;
	if (replace_all && exec(s, "DELETE FROM stacks", err) != 0)
		goto rollback;
	cJSON_ArrayForEach(it, upserts) {
		if (put_stack(s, it, err) != 0)
			goto rollback;
	}
	cJSON_ArrayForEach(it, deletes) {
		if (!cJSON_IsString(it) || delete_stack(s, it->valuestring, err) != 0)
			goto rollback;
	}
	if (exec(s, "COMMIT", err) != 0)
		goto rollback;
	rc = 0;
	goto out;
rollback:
	rollback(s);
out:
	pthread_mutex_unlock(&s->mu);
	return rc;
}

/* ------------------------------------------------------------------ meta */

/* The first column of the first row of sql with ?1 = key (malloc'd), or NULL when none. */
static int query_text(struct fg_store *s, const char *sql, const char *key, const char *what,
		      char **out, struct fg_err *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	*out = NULL;
	pthread_mutex_lock(&s->mu);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = db_fail(s, err, what);
	} else {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) == SQLITE_ROW)
			*out = strdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

int fg_store_meta_get(struct fg_store *s, const char *key, char **out, struct fg_err *err)
{
	return query_text(s, "SELECT value FROM meta WHERE key = ?1", key, "reading metadata", out,
			  err);
}

int fg_store_meta_put(struct fg_store *s, const char *key, const char *value,
		      struct fg_err *err)
{
	static const char sql[] = "INSERT INTO meta(key, value) VALUES(?1, ?2)"
				  " ON CONFLICT(key) DO UPDATE SET value = excluded.value";
	sqlite3_stmt *st;
	int rc = 0;

	pthread_mutex_lock(&s->mu);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = db_fail(s, err, "writing metadata");
	} else {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, value, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = db_fail(s, err, "writing metadata");
		sqlite3_finalize(st);
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

/* ------------------------------------------------------------------- pki */

int fg_store_pki_get(struct fg_store *s, const char *id, char **cert_pem, char **key_pem,
		     struct fg_err *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	*cert_pem = *key_pem = NULL;
	pthread_mutex_lock(&s->mu);
	if (sqlite3_prepare_v2(s->db, "SELECT cert_pem, key_pem FROM pki WHERE id = ?1", -1, &st,
			       NULL) != SQLITE_OK) {
		rc = db_fail(s, err, "reading key material");
	} else {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) == SQLITE_ROW) {
			*cert_pem = strdup((const char *)sqlite3_column_text(st, 0));
			*key_pem = strdup((const char *)sqlite3_column_text(st, 1));
		}
		sqlite3_finalize(st);
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

int fg_store_pki_put(struct fg_store *s, const char *id, const char *cert_pem,
		     const char *key_pem, int64_t at_ms, struct fg_err *err)
{
	static const char sql[] =
		"INSERT INTO pki(id, cert_pem, key_pem, created_ms) VALUES(?1, ?2, ?3, ?4)"
		" ON CONFLICT(id) DO UPDATE SET cert_pem = excluded.cert_pem,"
		" key_pem = excluded.key_pem, created_ms = excluded.created_ms";
	sqlite3_stmt *st;
	int rc = 0;

	pthread_mutex_lock(&s->mu);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = db_fail(s, err, "writing key material");
	} else {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, cert_pem, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, key_pem, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 4, at_ms);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = db_fail(s, err, "writing key material");
		sqlite3_finalize(st);
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

/* ---------------------------------------------------------------- traces */

static int trace_stmts(struct fg_store *s)
{
	if (s->trace_ins == NULL &&
	    sqlite3_prepare_v3(s->db, "INSERT INTO traces(id, at_ms, doc) VALUES(?1, ?2, ?3)", -1,
			       SQLITE_PREPARE_PERSISTENT, &s->trace_ins, NULL) != SQLITE_OK)
		return -1;
	if (s->trace_trim == NULL &&
	    sqlite3_prepare_v3(s->db,
			       "DELETE FROM traces WHERE seq <= (SELECT MAX(seq) FROM traces) - ?1",
			       -1, SQLITE_PREPARE_PERSISTENT, &s->trace_trim, NULL) != SQLITE_OK)
		return -1;
	return 0;
}

/* Rows appended between two trims: an eighth of the ring, at most 1024 (a DELETE of the
 * oldest row per batch was a fifth of the trace writer's time). */
static size_t trace_slack(size_t limit)
{
	size_t slack = limit / 8;

	return slack < 1 ? 1 : slack > 1024 ? 1024 : slack;
}

int fg_store_traces_append(struct fg_store *s, const struct fg_store_trace *t, size_t n,
			   size_t limit, struct fg_err *err)
{
	sqlite3_stmt *ins, *trim;
	int rc = -1;

	pthread_mutex_lock(&s->mu);
	if (exec(s, "BEGIN IMMEDIATE", err) != 0)
		goto out;
	if (trace_stmts(s) != 0) {
		db_fail(s, err, "writing traces");
		goto rollback;
	}
	ins = s->trace_ins;
	trim = s->trace_trim;
	for (size_t i = 0; i < n; i++) {
		sqlite3_reset(ins);
		sqlite3_bind_text(ins, 1, t[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 2, t[i].at_ms);
		sqlite3_bind_text(ins, 3, t[i].doc, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			db_fail(s, err, "writing traces");
			goto rollback;
		}
	}
	s->trace_untrimmed += n;
	if (n == 0 || s->trace_untrimmed >= trace_slack(limit)) {
		sqlite3_reset(trim);
		sqlite3_bind_int64(trim, 1, (sqlite3_int64)limit);
		if (sqlite3_step(trim) != SQLITE_DONE) {
			db_fail(s, err, "trimming traces");
			goto rollback;
		}
		s->trace_untrimmed = 0;
	}
	if (exec(s, "COMMIT", err) != 0)
		goto rollback;
	s->trace_keep = (int64_t)limit;
	rc = 0;
	goto out;
rollback:
	rollback(s);
out:
	/* reset: release the bound texts (the caller frees them) and the statements' locks */
	if (s->trace_ins != NULL) {
		sqlite3_reset(s->trace_ins);
		sqlite3_clear_bindings(s->trace_ins);
	}
	if (s->trace_trim != NULL)
		sqlite3_reset(s->trace_trim);
	pthread_mutex_unlock(&s->mu);
	return rc;
}

int fg_store_traces_list(struct fg_store *s, size_t limit, cJSON **out, struct fg_err *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	*out = cJSON_CreateArray();
	pthread_mutex_lock(&s->mu);
	if (sqlite3_prepare_v2(s->db, "SELECT doc FROM traces WHERE seq > "
			       "(SELECT MAX(seq) FROM traces) - ?2 ORDER BY seq DESC LIMIT ?1", -1,
			       &st, NULL) != SQLITE_OK) {
		rc = db_fail(s, err, "reading traces");
	} else {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)limit);
		sqlite3_bind_int64(st, 2, s->trace_keep);
		while (sqlite3_step(st) == SQLITE_ROW) {
			cJSON *doc = cJSON_Parse((const char *)sqlite3_column_text(st, 0));

			if (doc != NULL)
				cJSON_AddItemToArray(*out, doc);
		}
		sqlite3_finalize(st);
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

int fg_store_trace_get(struct fg_store *s, const char *id, cJSON **out, struct fg_err *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	*out = NULL;
	pthread_mutex_lock(&s->mu);
	if (sqlite3_prepare_v2(s->db, "SELECT doc FROM traces WHERE id = ?1 AND seq > "
			       "(SELECT MAX(seq) FROM traces) - ?2 ORDER BY seq DESC LIMIT 1", -1,
			       &st, NULL) != SQLITE_OK) {
		rc = db_fail(s, err, "reading a trace");
	} else {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, s->trace_keep);
		if (sqlite3_step(st) == SQLITE_ROW)
			*out = cJSON_Parse((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

int fg_store_traces_clear(struct fg_store *s, struct fg_err *err)
{
	int rc;

	pthread_mutex_lock(&s->mu);
	rc = exec(s, "DELETE FROM traces", err);
	s->trace_untrimmed = 0;
	pthread_mutex_unlock(&s->mu);
	return rc;
}
