/* Unit tests for trace: the hand-written JSON printer against cJSON's reading of it, clones,
 * the trace log's read-your-writes flush and its bounded ring with lazy trimming. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "trace/trace.h"

static struct fg_trace *sample(struct fg_arena *a, const char *id)
{
	struct fg_trace *t = fg_trace_begin(a, id, 1700000000123, "127.0.0.1:5000", "http",
					    "GET", "h.example", "/a?q=\"x\"\\y");

	fg_trace_hop(t, "apigw", "tab\there, newline\nthere, bell \a, é");
	fg_trace_hop(t, "lambda", "%s %d", "ok", 200);
	fg_trace_status(t, 200);
	return t;
}

static void test_json(void)
{
	struct fg_arena *a = fg_arena_new(1024);
	struct fg_trace *t = sample(a, "rid-1"), *c = fg_trace_clone(t);
	char *j = fg_trace_json(t), *cj = fg_trace_json(c);
	cJSON *doc = cJSON_Parse(j), *hops = cJSON_GetObjectItem(doc, "hops");
	char *printed = cJSON_PrintUnformatted(doc);

	ok(doc != NULL, "the printer writes JSON cJSON reads: %s", j);
	is_str(cJSON_GetObjectItem(doc, "url")->valuestring, "/a?q=\"x\"\\y", "quotes, backslash");
	is_str(cJSON_GetObjectItem(doc, "at")->valuestring, "2023-11-14T22:13:20.123Z", "at");
	is_int(cJSON_GetObjectItem(doc, "status")->valueint, 200, "status is a number");
	is_int(cJSON_GetArraySize(hops), 2, "two hops, in order");
	is_str(cJSON_GetObjectItem(cJSON_GetArrayItem(hops, 0), "decision")->valuestring,
	       "tab\there, newline\nthere, bell \a, é", "control characters and UTF-8 survive");
	is_str(cJSON_GetObjectItem(cJSON_GetArrayItem(hops, 1), "decision")->valuestring,
	       "ok 200", "formatted hop");
	is_str(j, printed, "byte for byte what cJSON prints for the same document");
	is_str(cj, j, "a clone serialises the same");
	fg_arena_destroy(&a); /* the clone does not live in the request's arena */
	free(cj);
	cj = fg_trace_json(c);
	is_str(cj, j, "and outlives it");
	fg_trace_free(&c);
	ok(c == NULL, "free clears the pointer");
	free(j);
	free(cj);
	free(printed);
	cJSON_Delete(doc);
}

static void push(struct fg_tracelog *tl, const char *id)
{
	struct fg_arena *a = fg_arena_new(512);

	fg_tracelog_push(tl, sample(a, id));
	fg_arena_destroy(&a);
}

static void test_log(bool in_memory)
{
	const char *mode = in_memory ? "ring" : "store";
	struct fg_store *st;
	struct fg_tracelog *tl;
	struct fg_log log;
	struct fg_err e;
	cJSON *one = NULL, *list = NULL;
	char id[32];

	fg_err_clear(&e);
	fg_log_init(&log, FG_LOG_ERROR);
	ok(fg_store_open(":memory:", &st, &e) == 0, "store");
	tl = fg_tracelog_new(st, 40, in_memory, &log); /* store: trimmed every 5 rows */
	push(tl, "first");
	fg_tracelog_get(tl, "first", &one, &e);
	ok(one != NULL, "%s: a trace is readable right after it is pushed (no batch wait)", mode);
	cJSON_Delete(one);
	for (int i = 0; i < 103; i++) {
		snprintf(id, sizeof(id), "t%d", i);
		push(tl, id);
	}
	fg_tracelog_list(tl, 1000, &list, &e);
	is_int(cJSON_GetArraySize(list), 40, "%s: the ring shows exactly its limit", mode);
	is_str(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "id")->valuestring, "t102",
	       "%s: newest first", mode);
	is_str(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 39), "id")->valuestring, "t63",
	       "%s: the 40th newest last", mode);
	cJSON_Delete(list);
	fg_tracelog_list(tl, 3, &list, &e);
	is_int(cJSON_GetArraySize(list), 3, "%s: a list honours its limit", mode);
	cJSON_Delete(list);
	fg_tracelog_get(tl, "t62", &one, &e);
	ok(one == NULL, "%s: the 41st newest is gone (even while a row waits for the trim)", mode);
	fg_tracelog_get(tl, "t63", &one, &e);
	ok(one != NULL, "%s: the 40th newest is found", mode);
	cJSON_Delete(one);
	fg_store_traces_list(st, 1000, &list, &e);
	is_int(cJSON_GetArraySize(list), in_memory ? 0 : 40,
	       "%s: the store holds the traces only without the ring", mode);
	cJSON_Delete(list);
	fg_tracelog_clear(tl);
	fg_tracelog_list(tl, 1000, &list, &e);
	is_int(cJSON_GetArraySize(list), 0, "%s: clear empties it", mode);
	cJSON_Delete(list);
	push(tl, "after");
	fg_tracelog_get(tl, "after", &one, &e);
	ok(one != NULL, "%s: pushing works after clear", mode);
	cJSON_Delete(one);
	fg_tracelog_destroy(&tl);
	ok(tl == NULL, "%s: destroyed", mode);
	fg_store_close(&st);
	fg_log_fini(&log);
}

/* Requests faster than the writer: at most `limit` traces wait, the oldest waiting one giving
 * way; what the store then shows is still the newest `limit`. */
static void test_bounded(void)
{
	struct fg_store *st;
	struct fg_tracelog *tl;
	struct fg_log log;
	struct fg_err e;
	cJSON *list = NULL;
	char id[32];
	size_t most = 0;

	fg_err_clear(&e);
	fg_log_init(&log, FG_LOG_ERROR);
	ok(fg_store_open(":memory:", &st, &e) == 0, "store");
	tl = fg_tracelog_new(st, 5, false, &log);
	for (int i = 0; i < 3000; i++) {
		size_t n;

		snprintf(id, sizeof(id), "b%d", i);
		push(tl, id);
		n = fg_tracelog_pending(tl);
		most = n > most ? n : most;
	}
	ok(most <= 5, "never more than the limit waiting (at most %zu)", most);
	fg_tracelog_flush(tl);
	fg_store_traces_list(st, 1000, &list, &e);
	is_int(cJSON_GetArraySize(list), 5, "the store shows the limit");
	is_str(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "id")->valuestring, "b2999",
	       "the newest first");
	is_str(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 4), "id")->valuestring, "b2995",
	       "down to the fifth newest");
	cJSON_Delete(list);
	fg_tracelog_destroy(&tl);
	fg_store_close(&st);
	fg_log_fini(&log);
}

int main(void)
{
	test_json();
	test_log(false);
	test_log(true);
	test_bounded();
	return tap_done();
}
