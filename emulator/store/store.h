/*
 * store: frontgate's state in SQLite. The only module that speaks SQL.
 *
 * One database holds the deployed stacks (one JSON document per stack, written in one
 * transaction per control-plane change), small key/value metadata, key material (the local
 * CA and the certificates it issued: private keys live here and nowhere else), and the
 * bounded ring of request traces. The schema is versioned (PRAGMA user_version) and
 * migrated forward on open. A file database runs in WAL mode with synchronous=FULL, so a
 * change that was acknowledged survives a crash; it is guarded by an exclusive lock on
 * "<path>.lock", so a second frontgate on the same file refuses to start instead of
 * corrupting it. ":memory:" gives a private in-memory database (tests).
 *
 * Every function is safe to call from any thread (one mutex per store).
 */
#ifndef FG_STORE_H
#define FG_STORE_H

#include <cjson/cJSON.h>

#include "core/core.h"

struct fg_store;

/* Schema version this build writes; older databases are migrated on open. */
#define FG_STORE_SCHEMA_VERSION 2

/*
 * Opens (creating when absent, with its parent directory) the database at path, or a private
 * in-memory one for ":memory:". Fails with status 409 "DatabaseInUse" when another process
 * holds the database, and 500 "DatabaseError" when SQLite cannot open or migrate it (a
 * database written by a newer frontgate is refused, never downgraded).
 */
int fg_store_open(const char *path, struct fg_store **out, struct fg_err *err);
void fg_store_close(struct fg_store **sp);
const char *fg_store_path(const struct fg_store *s);

/* ---- stacks ---- */

/* *out = array of stack documents in creation order (new tree, caller frees). */
int fg_store_stacks_load(struct fg_store *s, cJSON **out, struct fg_err *err);
/*
 * One transaction: when replace_all, every stored stack is removed first; then each document
 * in upserts (array, may be NULL) is written under its "Name", and each name in deletes
 * (array of strings, may be NULL) is removed. Either everything is written or nothing is.
 */
int fg_store_stacks_commit(struct fg_store *s, const cJSON *upserts, const cJSON *deletes,
			   bool replace_all, struct fg_err *err);

/* ---- metadata ---- */

/* *out = malloc'd value, or NULL when the key is absent. */
int fg_store_meta_get(struct fg_store *s, const char *key, char **out, struct fg_err *err);
int fg_store_meta_put(struct fg_store *s, const char *key, const char *value,
		      struct fg_err *err);

/* ---- key material ---- */

/*
 * A certificate and its private key (PEM) under an id ("ca", "default:<name>",
 * "key:<sha-256 of the certificate>"). get: both NULL (and 0 returned) when absent;
 * malloc'd otherwise. put: inserts or replaces. Rows are never deleted: a certificate in a
 * restored state document finds its key again.
 */
int fg_store_pki_get(struct fg_store *s, const char *id, char **cert_pem, char **key_pem,
		     struct fg_err *err);
int fg_store_pki_put(struct fg_store *s, const char *id, const char *cert_pem,
		     const char *key_pem, int64_t at_ms, struct fg_err *err);

/* ---- request traces ---- */

struct fg_store_trace {
	const char *id;      /* request id handed to the client */
	int64_t at_ms;
	const char *doc;     /* the trace as JSON text */
};

/* Appends traces in one transaction and keeps the newest limit: reads see only those; the
 * rows beyond are deleted every limit/8 (at most 1024) appended rows, and always when n is 0
 * (a final trim). */
int fg_store_traces_append(struct fg_store *s, const struct fg_store_trace *t, size_t n,
			   size_t limit, struct fg_err *err);
/* *out = array of parsed trace documents, newest first, at most limit. */
int fg_store_traces_list(struct fg_store *s, size_t limit, cJSON **out, struct fg_err *err);
/* *out = parsed trace document, or NULL when no trace has that id. */
int fg_store_trace_get(struct fg_store *s, const char *id, cJSON **out, struct fg_err *err);
int fg_store_traces_clear(struct fg_store *s, struct fg_err *err);

#endif
