/* Unit tests for store: stacks, one-transaction commits, metadata, the trace ring, the
 * database lock, and refusing a newer schema. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "store/store.h"
#include "tap.h"

static cJSON *doc(const char *name, int v)
{
	cJSON *d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "Name", name);
	cJSON_AddNumberToObject(d, "V", v);
	return d;
}

static void test_stacks(void)
{
	struct fg_store *s;
	struct fg_err e;
	cJSON *up = cJSON_CreateArray(), *del = cJSON_CreateArray(), *out = NULL, *bad;

	fg_err_clear(&e);
	ok(fg_store_open(":memory:", &s, &e) == 0, "open :memory:");
	cJSON_AddItemToArray(up, doc("a", 1));
	cJSON_AddItemToArray(up, doc("b", 1));
	ok(fg_store_stacks_commit(s, up, NULL, false, &e) == 0, "commit two stacks");
	cJSON_Delete(up);
	up = cJSON_CreateArray();
	cJSON_AddItemToArray(up, doc("a", 2));
	cJSON_AddItemToArray(del, cJSON_CreateString("b"));
	ok(fg_store_stacks_commit(s, up, del, false, &e) == 0, "update one, delete one");
	fg_store_stacks_load(s, &out, &e);
	is_int(cJSON_GetArraySize(out), 1, "one stack left");
	is_int(cJSON_GetObjectItem(cJSON_GetArrayItem(out, 0), "V")->valueint, 2,
	       "the update is stored");
	cJSON_Delete(out);

	/* a document without a Name fails the whole transaction */
	bad = cJSON_CreateArray();
	cJSON_AddItemToArray(bad, doc("c", 1));
	cJSON_AddItemToArray(bad, cJSON_CreateObject());
	ok(fg_store_stacks_commit(s, bad, NULL, true, &e) != 0, "a bad document fails the commit");
	fg_store_stacks_load(s, &out, &e);
	ok(cJSON_GetArraySize(out) == 1 &&
	   strcmp(cJSON_GetObjectItem(cJSON_GetArrayItem(out, 0), "Name")->valuestring, "a") == 0,
	   "nothing of a failed commit is kept (replace_all rolled back too)");
	cJSON_Delete(out);
	cJSON_Delete(bad);

	/* creation order is kept across updates */
	cJSON_Delete(up);
	up = cJSON_CreateArray();
	cJSON_AddItemToArray(up, doc("z", 1));
	fg_store_stacks_commit(s, up, NULL, false, &e);
	cJSON_Delete(up);
	up = cJSON_CreateArray();
	cJSON_AddItemToArray(up, doc("a", 3));
	fg_store_stacks_commit(s, up, NULL, false, &e);
	fg_store_stacks_load(s, &out, &e);
	is_str(cJSON_GetObjectItem(cJSON_GetArrayItem(out, 0), "Name")->valuestring, "a",
	       "stacks load in creation order");
	cJSON_Delete(out);
	cJSON_Delete(up);
	cJSON_Delete(del);
	fg_store_close(&s);
	ok(s == NULL, "close clears the pointer");
}

static void test_meta_traces(void)
{
	struct fg_store *s;
	struct fg_err e;
	char *v = NULL, id[8], text[64];
	cJSON *list = NULL, *one = NULL;
	struct fg_store_trace t[5];

	fg_err_clear(&e);
	fg_store_open(":memory:", &s, &e);
	fg_store_meta_get(s, "k", &v, &e);
	ok(v == NULL, "absent metadata is NULL");
	fg_store_meta_put(s, "k", "v1", &e);
	fg_store_meta_put(s, "k", "v2", &e);
	fg_store_meta_get(s, "k", &v, &e);
	is_str(v, "v2", "metadata put overwrites");
	free(v);

	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 5; i++) {
			static char ids[10][8], docs[10][64];
			int k = round * 5 + i;

			snprintf(ids[k], sizeof(ids[k]), "r%d", k);
			snprintf(docs[k], sizeof(docs[k]), "{\"id\":\"r%d\"}", k);
			t[i].id = ids[k];
			t[i].doc = docs[k];
			t[i].at_ms = k;
		}
		ok(fg_store_traces_append(s, t, 5, 7, &e) == 0, "append 5 traces (round %d)", round);
	}
	fg_store_traces_list(s, 100, &list, &e);
	is_int(cJSON_GetArraySize(list), 7, "the ring keeps the limit");
	is_str(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "id")->valuestring, "r9",
	       "newest first");
	cJSON_Delete(list);
	fg_store_trace_get(s, "r2", &one, &e);
	ok(one == NULL, "the oldest fell out of the ring");
	fg_store_trace_get(s, "r5", &one, &e);
	ok(one != NULL, "a kept trace is found by id");
	cJSON_Delete(one);
	fg_store_traces_clear(s, &e);
	fg_store_traces_list(s, 100, &list, &e);
	is_int(cJSON_GetArraySize(list), 0, "clear empties the ring");
	cJSON_Delete(list);
	(void)id;
	(void)text;
	fg_store_close(&s);
}

static void test_file_lock_schema(void)
{
	char dir[] = "/tmp/fg-store-XXXXXX", path[256];
	struct fg_store *a = NULL, *b = NULL;
	struct fg_err e;
	sqlite3 *db;

	FG_ASSERT(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/sub/dir/state.db", dir);
	fg_err_clear(&e);
	ok(fg_store_open(path, &a, &e) == 0, "open creates parent directories: %s", e.message);
	ok(fg_store_open(path, &b, &e) != 0 && e.status == 409 &&
	   strstr(e.message, "in use by another frontgate process") != NULL,
	   "a second open of the same file is refused: %s", e.message);
	fg_store_close(&a);
	fg_err_clear(&e);
	ok(fg_store_open(path, &b, &e) == 0, "after close it opens again");
	fg_store_close(&b);

	sqlite3_open(path, &db);
	sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
	sqlite3_close(db);
	fg_err_clear(&e);
	ok(fg_store_open(path, &a, &e) != 0 && strstr(e.message, "newer") != NULL,
	   "a database from a newer frontgate is refused: %s", e.message);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		ok(system(cmd) == 0, "cleanup");
	}
}

static void test_pki(void)
{
	struct fg_store *s;
	struct fg_err e;
	char *cert, *key;

	fg_err_clear(&e);
	fg_store_open(":memory:", &s, &e);
	ok(fg_store_pki_get(s, "ca", &cert, &key, &e) == 0 && cert == NULL && key == NULL,
	   "pki: absent id gives NULLs, not an error");
	ok(fg_store_pki_put(s, "ca", "C1", "K1", 1, &e) == 0 &&
	   fg_store_pki_put(s, "ca", "C2", "K2", 2, &e) == 0, "pki: put twice replaces");
	fg_store_pki_get(s, "ca", &cert, &key, &e);
	ok(cert && key && strcmp(cert, "C2") == 0 && strcmp(key, "K2") == 0, "pki: the last pair");
	free(cert);
	free(key);
	fg_store_close(&s);
}

int main(void)
{
	test_pki();
	test_stacks();
	test_meta_traces();
	test_file_lock_schema();
	return tap_done();
}
