/*
 * lambda_pool.c: warm workers. A pool serves one function as one deployment defines it: it is
 * keyed by the function ARN and a hash of everything that shapes the running code (mode,
 * runtime, handler, code, environment, timeout, memory, command, URL), so views of different
 * worlds share a pool while the function is unchanged, and a changed function gets a new
 * pool whose workers start fresh; the old pool stops its workers when its last view goes.
 *
 * A pool has up to workers_per_function slots. An invocation takes an idle slot (a warm one
 * first), starts its worker when it has none, and waits (queued) while every slot is busy.
 * One invocation = one line out, one line back, within the function's Timeout and the
 * caller's deadline; a worker that times out, exits, or writes something that is not a
 * result is stopped, and the next invocation starts a fresh one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lambda/lambda_int.h"

#define RT_BUCKETS 256

struct lambda_slot {
	bool busy;                /* taken by an invocation (pool->mu) */
	bool warm;                /* has a worker or connection, as of its release (pool->mu) */
	struct lambda_proc proc;  /* touched only by the invocation holding the slot */
	void *curl;               /* LAMBDA_URL: the connection kept alive */
};

struct lambda_pool {
	struct lambda_pool *next; /* in the runtime's bucket */
	uint64_t hash;
	int refs;                 /* views holding it (rt->mu) */
	struct lambda_spec spec;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool dead;
	unsigned nslots, queued;
	struct lambda_slot *slots;
};

struct lambda_rt {
	pthread_mutex_t mu;
	int refs;
	unsigned workers;
	bool dead;
	struct lambda_pool *buckets[RT_BUCKETS];
};

/* ------------------------------------------------------------- the runtime */

struct lambda_rt *lambda_rt_new(unsigned workers_per_function)
{
	struct lambda_rt *rt = calloc(1, sizeof(*rt));

	FG_ASSERT(rt != NULL);
	pthread_mutex_init(&rt->mu, NULL);
	rt->refs = 1;
	rt->workers = workers_per_function ? workers_per_function : 2;
	return rt;
}

struct lambda_rt *lambda_rt_ref(struct lambda_rt *rt)
{
	pthread_mutex_lock(&rt->mu);
	rt->refs++;
	pthread_mutex_unlock(&rt->mu);
	return rt;
}

void lambda_rt_rel(struct lambda_rt **rtp)
{
	struct lambda_rt *rt = *rtp;
	int left;

	*rtp = NULL;
	if (rt == NULL)
		return;
	pthread_mutex_lock(&rt->mu);
	left = --rt->refs;
	pthread_mutex_unlock(&rt->mu);
	if (left > 0)
		return;
	for (size_t i = 0; i < RT_BUCKETS; i++)
		FG_ASSERT(rt->buckets[i] == NULL); /* every view put its pools back */
	pthread_mutex_destroy(&rt->mu);
	free(rt);
}

static void slot_stop(struct lambda_slot *s)
{
	if (s->proc.pid > 0)
		lambda_proc_stop(&s->proc, 0, NULL);
	lambda_url_free(&s->curl);
	s->warm = false;
}

/* Marks the pool dead and stops its idle workers (busy ones stop when released). */
static void pool_kill(struct lambda_pool *pl)
{
	pthread_mutex_lock(&pl->mu);
	pl->dead = true;
	for (unsigned i = 0; i < pl->nslots; i++)
		if (!pl->slots[i].busy)
			slot_stop(&pl->slots[i]);
	pthread_cond_broadcast(&pl->cv);
	pthread_mutex_unlock(&pl->mu);
}

void lambda_rt_shutdown(struct lambda_rt *rt)
{
	pthread_mutex_lock(&rt->mu);
	rt->dead = true;
	for (size_t i = 0; i < RT_BUCKETS; i++)
		for (struct lambda_pool *pl = rt->buckets[i]; pl != NULL; pl = pl->next)
			pool_kill(pl);
	pthread_mutex_unlock(&rt->mu);
}

/* ---------------------------------------------------------------- the spec */

static void strv_free(char **v)
{
	if (v == NULL)
		return;
	for (char **p = v; *p != NULL; p++)
		free(*p);
	free(v);
}

struct envb {
	char **v;
	size_t n, cap;
};

/* Sets key=value, replacing an earlier value of key. */
static void env_set(struct envb *e, const char *key, const char *value)
{
	size_t kl = strlen(key);
	char *kv;

	FG_ASSERT(asprintf(&kv, "%s=%s", key, value) >= 0);
	for (size_t i = 0; i < e->n; i++) {
		if (strncmp(e->v[i], key, kl) == 0 && e->v[i][kl] == '=') {
			free(e->v[i]);
			e->v[i] = kv;
			return;
		}
	}
	if (e->n + 2 > e->cap) {
		e->cap = e->cap ? e->cap * 2 : 64;
		e->v = realloc(e->v, e->cap * sizeof(char *));
		FG_ASSERT(e->v != NULL);
	}
	e->v[e->n++] = kv;
	e->v[e->n] = NULL;
}

static void env_pass(struct envb *e, const char *key)
{
	const char *v = getenv(key);

	if (v != NULL)
		env_set(e, key, v);
}

/* A variable's value as Lambda stores it (CloudFormation turns scalars into strings). */
static void scalar_text(const cJSON *v, char *out, size_t n)
{
	if (cJSON_IsString(v))
		snprintf(out, n, "%s", v->valuestring);
	else if (cJSON_IsNumber(v) && v->valuedouble == (double)(long long)v->valuedouble)
		snprintf(out, n, "%lld", (long long)v->valuedouble);
	else if (cJSON_IsNumber(v))
		snprintf(out, n, "%.17g", v->valuedouble);
	else if (cJSON_IsBool(v))
		snprintf(out, n, "%s", cJSON_IsTrue(v) ? "true" : "false");
	else
		out[0] = '\0';
}

static char **build_env(const struct lambda_spec *s, const char *region, const cJSON *props)
{
	extern char **environ;
	const cJSON *vars = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(props, "Environment"), "Variables");
	const cJSON *v;
	struct envb e = { 0 };
	char buf[256];

	if (s->mode == LAMBDA_COMMAND) {
		for (char **p = environ; *p != NULL; p++) {
			const char *eq = strchr(*p, '=');

			if (eq != NULL) {
				char key[256];

				snprintf(key, sizeof(key), "%.*s", (int)(eq - *p), *p);
				env_set(&e, key, eq + 1);
			}
		}
	} else {
		/* Lambda's environment has little of the host's: what finds the interpreters,
		 * and credentials for code that calls AWS */
		env_set(&e, "PATH", getenv("PATH") ? getenv("PATH") : "/usr/local/bin:/usr/bin:/bin");
		env_pass(&e, "HOME");
		env_pass(&e, "AWS_ACCESS_KEY_ID");
		env_pass(&e, "AWS_SECRET_ACCESS_KEY");
		env_pass(&e, "AWS_SESSION_TOKEN");
		env_set(&e, "LANG", "en_US.UTF-8");
		env_set(&e, "TZ", ":UTC");
	}
	if (s->mode == LAMBDA_PYTHON) {
		env_set(&e, "PYTHONUNBUFFERED", "1");
		env_set(&e, "PYTHONDONTWRITEBYTECODE", "1");
	}
	env_set(&e, "AWS_REGION", region);
	env_set(&e, "AWS_DEFAULT_REGION", region);
	env_set(&e, "AWS_LAMBDA_FUNCTION_NAME", s->name);
	snprintf(buf, sizeof(buf), "%d", s->memory_mb);
	env_set(&e, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", buf);
	env_set(&e, "AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
	snprintf(buf, sizeof(buf), "%d", s->timeout_s);
	env_set(&e, "AWS_LAMBDA_FUNCTION_TIMEOUT", buf);
	env_set(&e, "AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
	snprintf(buf, sizeof(buf), "/aws/lambda/%s", s->name);
	env_set(&e, "AWS_LAMBDA_LOG_GROUP_NAME", buf);
	env_set(&e, "AWS_LAMBDA_LOG_STREAM_NAME", "frontgate/[$LATEST]local");
	if (s->runtime[0] != '\0') {
		snprintf(buf, sizeof(buf), "AWS_Lambda_%s", s->runtime);
		env_set(&e, "AWS_EXECUTION_ENV", buf);
	}
	if (s->handler[0] != '\0')
		env_set(&e, "_HANDLER", s->handler);
	cJSON_ArrayForEach(v, vars) {
		char val[8192];

		scalar_text(v, val, sizeof(val));
		env_set(&e, v->string, val);
	}
	return e.v;
}

static char *dup_or_empty(const char *s)
{
	char *d = strdup(s ? s : "");

	FG_ASSERT(d != NULL);
	return d;
}

static long long num_or(const cJSON *v, long long def)
{
	if (cJSON_IsNumber(v))
		return (long long)v->valuedouble;
	if (cJSON_IsString(v))
		return atoll(v->valuestring);
	return def;
}

/* InvokeUrl as given, or with the invocations path added when it is only the endpoint. */
static char *invoke_url(const char *url)
{
	char *out;
	size_t n;

	if (url == NULL)
		return dup_or_empty(NULL);
	if (strstr(url, "/2015-03-31/functions/") != NULL)
		return dup_or_empty(url);
	n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		n--;
	FG_ASSERT(asprintf(&out, "%.*s/2015-03-31/functions/function/invocations", (int)n, url) >= 0);
	return out;
}

static void spec_init(struct lambda_spec *s, enum lambda_mode mode, const char *name,
		      const char *arn, const char *region, const cJSON *props,
		      const cJSON *metadata)
{
	const cJSON *fg = cJSON_GetObjectItemCaseSensitive(metadata, "Frontgate");
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(props, "Code");
	const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(fg, "Command"), *a;
	const cJSON *url = cJSON_GetObjectItemCaseSensitive(fg, "InvokeUrl");
	const cJSON *zip = cJSON_GetObjectItemCaseSensitive(code, "ZipFile");
	const cJSON *rt = cJSON_GetObjectItemCaseSensitive(props, "Runtime");
	const cJSON *h = cJSON_GetObjectItemCaseSensitive(props, "Handler");
	size_t i = 0;

	memset(s, 0, sizeof(*s));
	s->mode = mode;
	s->name = dup_or_empty(name);
	s->arn = dup_or_empty(arn);
	s->runtime = dup_or_empty(cJSON_IsString(rt) ? rt->valuestring : NULL);
	s->handler = dup_or_empty(cJSON_IsString(h) ? h->valuestring : NULL);
	s->code = dup_or_empty(cJSON_IsString(zip) ? zip->valuestring : NULL);
	s->url = invoke_url(cJSON_IsString(url) ? url->valuestring : NULL);
	s->timeout_s = (int)num_or(cJSON_GetObjectItemCaseSensitive(props, "Timeout"),
				   LAMBDA_DEFAULT_TIMEOUT);
	s->memory_mb = (int)num_or(cJSON_GetObjectItemCaseSensitive(props, "MemorySize"),
				   LAMBDA_DEFAULT_MEMORY);
	if (s->timeout_s < 1)
		s->timeout_s = LAMBDA_DEFAULT_TIMEOUT;
	if (mode == LAMBDA_COMMAND) {
		s->argv = calloc((size_t)cJSON_GetArraySize(cmd) + 1, sizeof(char *));
		FG_ASSERT(s->argv != NULL);
		cJSON_ArrayForEach(a, cmd)
			s->argv[i++] = dup_or_empty(cJSON_IsString(a) ? a->valuestring : NULL);
	}
	s->envp = build_env(s, region, props);
}

static void spec_fini(struct lambda_spec *s)
{
	free(s->name);
	free(s->arn);
	free(s->runtime);
	free(s->handler);
	free(s->code);
	free(s->url);
	strv_free(s->argv);
	strv_free(s->envp);
}

/* Everything that shapes the running function, hashed. */
static uint64_t config_hash(enum lambda_mode mode, const char *arn, const char *region,
			    const cJSON *props, const cJSON *metadata)
{
	char *p = cJSON_PrintUnformatted(props);
	char *m = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(metadata, "Frontgate"));
	char modes[8];
	const char *parts[5];
	uint64_t h;

	snprintf(modes, sizeof(modes), "%d", (int)mode);
	parts[0] = modes;
	parts[1] = arn;
	parts[2] = region;
	parts[3] = p ? p : "";
	parts[4] = m ? m : "";
	h = fg_hash64(parts, 5);
	free(p);
	free(m);
	return h;
}

/* ---------------------------------------------------------------- the pools */

struct lambda_pool *lambda_pool_get(struct lambda_rt *rt, enum lambda_mode mode,
				    const char *name, const char *arn, const char *region,
				    const cJSON *props, const cJSON *metadata)
{
	uint64_t h = config_hash(mode, arn, region, props, metadata);
	struct lambda_pool **bucket = &rt->buckets[h % RT_BUCKETS], *pl;
	pthread_condattr_t ca;

	pthread_mutex_lock(&rt->mu);
	for (pl = *bucket; pl != NULL; pl = pl->next) {
		if (pl->hash == h && strcmp(pl->spec.arn, arn) == 0) {
			pl->refs++;
			pthread_mutex_unlock(&rt->mu);
			return pl;
		}
	}
	pl = calloc(1, sizeof(*pl));
	FG_ASSERT(pl != NULL);
	pl->hash = h;
	pl->refs = 1;
	pl->dead = rt->dead;
	spec_init(&pl->spec, mode, name, arn, region, props, metadata);
	pthread_mutex_init(&pl->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&pl->cv, &ca);
	pthread_condattr_destroy(&ca);
	pl->nslots = rt->workers;
	pl->slots = calloc(pl->nslots, sizeof(*pl->slots));
	FG_ASSERT(pl->slots != NULL);
	for (unsigned i = 0; i < pl->nslots; i++)
		lambda_proc_init(&pl->slots[i].proc);
	pl->next = *bucket;
	*bucket = pl;
	pthread_mutex_unlock(&rt->mu);
	return pl;
}

static void pool_free(struct lambda_pool *pl)
{
	for (unsigned i = 0; i < pl->nslots; i++) {
		FG_ASSERT(!pl->slots[i].busy);
		slot_stop(&pl->slots[i]);
		lambda_proc_fini(&pl->slots[i].proc);
	}
	free(pl->slots);
	spec_fini(&pl->spec);
	pthread_cond_destroy(&pl->cv);
	pthread_mutex_destroy(&pl->mu);
	free(pl);
}

void lambda_pool_put(struct lambda_rt *rt, struct lambda_pool *pl)
{
	struct lambda_pool **pp;

	pthread_mutex_lock(&rt->mu);
	if (--pl->refs > 0) {
		pthread_mutex_unlock(&rt->mu);
		return;
	}
	for (pp = &rt->buckets[pl->hash % RT_BUCKETS]; *pp != pl; pp = &(*pp)->next)
		;
	*pp = pl->next;
	pthread_mutex_unlock(&rt->mu);
	pool_free(pl);
}

void lambda_pool_stats(struct lambda_pool *pl, unsigned *started, unsigned *busy,
		       unsigned *queued)
{
	pthread_mutex_lock(&pl->mu);
	*started = *busy = 0;
	for (unsigned i = 0; i < pl->nslots; i++) {
		*started += pl->slots[i].busy || pl->slots[i].warm;
		*busy += pl->slots[i].busy;
	}
	*queued = pl->queued;
	pthread_mutex_unlock(&pl->mu);
}

/* ------------------------------------------------------- taking a worker */

static void abs_time(int64_t mono_ms, struct timespec *ts)
{
	ts->tv_sec = mono_ms / 1000;
	ts->tv_nsec = (long)(mono_ms % 1000) * 1000000L;
}

/* An idle slot (warm first), waiting while all are busy; NULL when the deadline passes or
 * the pool is stopped. */
static struct lambda_slot *acquire(struct lambda_pool *pl, int64_t deadline, bool *dead)
{
	struct lambda_slot *got = NULL;

	pthread_mutex_lock(&pl->mu);
	pl->queued++;
	for (;;) {
		struct lambda_slot *cold = NULL;

		if (pl->dead)
			break;
		for (unsigned i = 0; i < pl->nslots && got == NULL; i++) {
			struct lambda_slot *s = &pl->slots[i];

			if (s->busy)
				continue;
			if (s->warm)
				got = s;
			else if (cold == NULL)
				cold = s;
		}
		got = got ? got : cold;
		if (got != NULL) {
			got->busy = true;
			break;
		}
		if (deadline > 0) {
			struct timespec ts;

			if (lambda_mono_ms() >= deadline)
				break;
			abs_time(deadline, &ts);
			pthread_cond_timedwait(&pl->cv, &pl->mu, &ts);
		} else {
			pthread_cond_wait(&pl->cv, &pl->mu);
		}
	}
	pl->queued--;
	*dead = pl->dead;
	pthread_mutex_unlock(&pl->mu);
	return got;
}

static void release(struct lambda_pool *pl, struct lambda_slot *s)
{
	pthread_mutex_lock(&pl->mu);
	s->busy = false;
	s->warm = s->proc.pid > 0 || s->curl != NULL;
	if (pl->dead)
		slot_stop(s);
	pthread_cond_signal(&pl->cv);
	pthread_mutex_unlock(&pl->mu);
}

/* ---------------------------------------------------------------- results */

static char *xstrndup(const char *p, size_t n)
{
	char *d = strndup(p, n);

	FG_ASSERT(d != NULL);
	return d;
}

static void set_payload(struct fg_invoke_result *out, char *text)
{
	free(out->payload);
	out->payload = text;
	out->len = text ? strlen(text) : 0;
}

/* The worker's recent output on one line (" | " between lines), at most max bytes. */
static void tail_line(const struct lambda_tail *t, char *out, size_t max)
{
	size_t start = t->n > max - 1 ? t->n - (max - 1) : 0, k = 0, end = t->n;

	while (end > start && (t->b[end - 1] == '\n' || t->b[end - 1] == '\r'))
		end--;
	for (size_t i = start; i < end && k + 4 < max; i++) {
		char c = t->b[i];

		if (c == '\n') {
			memcpy(out + k, " | ", 3);
			k += 3;
		} else {
			out[k++] = (c == '\r' || c == '\t') ? ' ' : c;
		}
	}
	out[k] = '\0';
}

/* Appends "; output: <tail>" to the detail when the worker printed anything. */
static void add_output(struct fg_invoke_result *out, const struct lambda_tail *t)
{
	char tl[1100];

	tail_line(t, tl, sizeof(tl));
	if (tl[0] == '\0')
		return;
	if (out->detail == NULL)
		lambda_detail(out, "output: %s", tl);
	else {
		char *d = out->detail;

		out->detail = NULL;
		lambda_detail(out, "%s; output: %s", d, tl);
		free(d);
	}
}

/* The function's output, line by line, into frontgate's log (level info). */
static void log_output(const struct lambda_call *call, const struct lambda_spec *s,
		       const struct lambda_tail *t)
{
	size_t i = 0;

	if (call->log == NULL || call->log->level < FG_LOG_INFO)
		return;
	while (i < t->n) {
		const char *nl = memchr(t->b + i, '\n', t->n - i);
		size_t len = nl ? (size_t)(nl - (t->b + i)) : t->n - i;

		fg_log(call->log, FG_LOG_INFO, "lambda", "%s %.8s: %.*s", s->name,
		       call->request_id, (int)len, t->b + i);
		i += len + 1;
	}
}

static void crashed(struct fg_invoke_result *out, const struct lambda_call *call,
		    struct lambda_proc *p, const char *what)
{
	int st = 0;
	char buf[300], *payload;

	lambda_proc_stop(p, 500, &st);
	if (WIFEXITED(st))
		snprintf(buf, sizeof(buf), "exit status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "signal %d", WTERMSIG(st));
	else
		snprintf(buf, sizeof(buf), "unknown status");
	out->status = FG_INVOKE_CRASHED;
	lambda_detail(out, "the worker %s (%s)", what, buf);
	FG_ASSERT(asprintf(&payload, "{\"errorType\":\"Runtime.ExitError\",\"errorMessage\":"
			   "\"RequestId: %s Error: Runtime exited with error: %s\"}",
			   call->request_id, buf) >= 0);
	set_payload(out, payload);
}

static void garbage(struct fg_invoke_result *out, struct lambda_proc *p, const char *line,
		    size_t len, const char *when)
{
	char shown[204];
	size_t n = len < 200 ? len : 200;

	for (size_t i = 0; i < n; i++)
		shown[i] = (line[i] >= 0x20 && line[i] != 0x7f) ? line[i] : '?';
	shown[n] = '\0';
	out->status = FG_INVOKE_CRASHED;
	lambda_detail(out, "the worker wrote something that is not %s: '%s%s'", when, shown,
		   len > n ? "..." : "");
	set_payload(out, NULL);
	lambda_proc_stop(p, 0, NULL);
}

/* A result over Lambda's limit: the error Lambda gives; the rest of the line is dropped with
 * the worker. */
static void too_big(struct fg_invoke_result *out, struct lambda_proc *p)
{
	char *text;

	lambda_proc_stop(p, 0, NULL);
	out->status = FG_INVOKE_FUNCTION_ERROR;
	lambda_detail(out, "the result is larger than Lambda's %d-byte limit", LAMBDA_MAX_RESULT);
	FG_ASSERT(asprintf(&text, "{\"errorMessage\":\"Response payload size exceeded maximum "
			   "allowed payload size (%d bytes).\",\"errorType\":"
			   "\"Function.ResponseSizeTooLarge\"}", LAMBDA_MAX_RESULT) >= 0);
	set_payload(out, text);
}

/* {"error": ...} as Lambda's error object (a bare string becomes its message). */
static char *error_json(const cJSON *e)
{
	cJSON *o;
	char *text;

	if (cJSON_IsObject(e))
		return cJSON_PrintUnformatted(e);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "errorMessage", cJSON_IsString(e) ? e->valuestring : "");
	cJSON_AddStringToObject(o, "errorType", "Error");
	cJSON_AddItemToObject(o, "stackTrace", cJSON_CreateArray());
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return text;
}

/* One result line. The bootstraps' success line is passed through without a parse. */
static void take_result(struct fg_invoke_result *out, struct lambda_proc *p, bool trusted,
			const char *line, size_t len)
{
	static const char ok_prefix[] = "{\"result\":";
	const size_t pl = sizeof(ok_prefix) - 1;
	cJSON *j, *r, *e;

	if (trusted && len > pl + 1 && memcmp(line, ok_prefix, pl) == 0 && line[len - 1] == '}') {
		out->status = FG_INVOKE_OK;
		set_payload(out, xstrndup(line + pl, len - pl - 1));
		return;
	}
	j = cJSON_ParseWithLength(line, len);
	r = cJSON_GetObjectItemCaseSensitive(j, "result");
	e = cJSON_GetObjectItemCaseSensitive(j, "error");
	if (r != NULL && e == NULL) {
		out->status = FG_INVOKE_OK;
		set_payload(out, cJSON_PrintUnformatted(r));
	} else if (e != NULL && r == NULL) {
		out->status = FG_INVOKE_FUNCTION_ERROR;
		set_payload(out, error_json(e));
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "exit")))
			lambda_proc_stop(p, 500, NULL); /* the runtime exits after reporting */
	} else {
		garbage(out, p, line, len, "a result");
	}
	cJSON_Delete(j);
}

/* ------------------------------------------------------------ one invocation */

static int64_t min_deadline(int64_t a, int64_t b)
{
	if (a <= 0)
		return b;
	if (b <= 0)
		return a;
	return a < b ? a : b;
}

/* Starts the slot's worker (and waits for an inline runtime's init); false with out set. */
static bool start_worker(struct lambda_pool *pl, struct lambda_proc *p,
			 const struct lambda_call *call, struct fg_invoke_result *out)
{
	const struct lambda_spec *s = &pl->spec;
	char why[600];
	const char *line;
	size_t len;
	int rc = lambda_proc_start(p, s, why, sizeof(why));
	int64_t init_deadline;

	if (rc != 0) {
		out->status = rc == ENOENT && s->mode != LAMBDA_COMMAND ? FG_INVOKE_NOT_EMULATED
									: FG_INVOKE_CRASHED;
		lambda_detail(out, "%s", why);
		return false;
	}
	if (s->mode == LAMBDA_COMMAND)
		return true;
	init_deadline = min_deadline(lambda_mono_ms() + LAMBDA_INIT_MS, call->caller_deadline);
	switch (lambda_proc_exchange(p, NULL, 0, init_deadline, &line, &len)) {
	case LAMBDA_X_LINE:
		if (len == 14 && memcmp(line, "{\"ready\":true}", 14) == 0)
			return true;
		garbage(out, p, line, len, "the runtime's ready line");
		return false;
	case LAMBDA_X_TOOBIG:
		garbage(out, p, p->rbuf.data + p->rpos, p->rbuf.len - p->rpos,
			"the runtime's ready line");
		return false;
	case LAMBDA_X_TIMEOUT:
		lambda_proc_stop(p, 0, NULL);
		out->status = FG_INVOKE_TIMEOUT;
		lambda_detail(out, "the function's init phase did not finish %s",
			   init_deadline == call->caller_deadline ? "before the caller's deadline"
								  : "within 10 s");
		return false;
	case LAMBDA_X_EOF:
		break;
	}
	crashed(out, call, p, "exited during init");
	return false;
}

/* {"event":<event>,"context":{...}}\n into p->wbuf. Names and ARNs are [-_:$A-Za-z0-9]
 * (validated at deploy and by the lookup), so they need no escaping. */
static void build_line(struct lambda_proc *p, const struct lambda_spec *s,
		       const struct lambda_call *call, int64_t fn_deadline)
{
	struct fg_buf *b = &p->wbuf;
	size_t ev;
	int64_t wall = fg_clock_real_ms() + (fn_deadline - lambda_mono_ms());

	b->len = 0;
	fg_buf_puts(b, "{\"event\":");
	ev = b->len;
	if (call->len > 0)
		fg_buf_append(b, call->event, call->len);
	else
		fg_buf_puts(b, "{}");
	for (size_t i = ev; i < b->len; i++)
		if (b->data[i] == '\n' || b->data[i] == '\r')
			b->data[i] = ' '; /* JSON whitespace; strings cannot hold raw newlines */
	fg_buf_printf(b, ",\"context\":{\"awsRequestId\":\"%s\",\"functionName\":\"%s\","
		      "\"functionVersion\":\"$LATEST\",\"invokedFunctionArn\":\"%s\","
		      "\"memoryLimitInMB\":%d,\"timeoutMs\":%d,\"deadlineMs\":%lld,"
		      "\"logGroupName\":\"/aws/lambda/%s\",\"logStreamName\":"
		      "\"frontgate/[$LATEST]local\"}}\n", call->request_id, s->name,
		      call->invoked_arn, s->memory_mb, s->timeout_s * 1000, (long long)wall,
		      s->name);
}

static void run_in_worker(struct lambda_pool *pl, struct lambda_slot *slot,
			  const struct lambda_call *call, struct fg_invoke_result *out)
{
	const struct lambda_spec *s = &pl->spec;
	struct lambda_proc *p = &slot->proc;
	int64_t fn_deadline, deadline;
	const char *line;
	size_t len;

	p->tail.n = 0;
	if (p->pid > 0 && !lambda_proc_fresh(p))
		lambda_proc_stop(p, 0, NULL); /* it died or wrote stray bytes since last time */
	if (p->pid == 0 && !start_worker(pl, p, call, out))
		return;
	fn_deadline = lambda_mono_ms() + (int64_t)s->timeout_s * 1000;
	deadline = min_deadline(fn_deadline, call->caller_deadline);
	build_line(p, s, call, fn_deadline);
	switch (lambda_proc_exchange(p, p->wbuf.data, p->wbuf.len, deadline, &line, &len)) {
	case LAMBDA_X_LINE:
		if (len <= LAMBDA_MAX_LINE) {
			take_result(out, p, s->mode != LAMBDA_COMMAND, line, len);
			return;
		}
		/* fall through */
	case LAMBDA_X_TOOBIG:
		too_big(out, p);
		return;
	case LAMBDA_X_TIMEOUT:
		lambda_proc_stop(p, 0, NULL);
		out->status = FG_INVOKE_TIMEOUT;
		if (deadline == fn_deadline) {
			char *pl_text;

			lambda_detail(out, "Task timed out after %d.00 seconds", s->timeout_s);
			FG_ASSERT(asprintf(&pl_text, "{\"errorType\":\"Sandbox.Timedout\","
					   "\"errorMessage\":\"RequestId: %s Error: Task timed out "
					   "after %d.00 seconds\"}", call->request_id,
					   s->timeout_s) >= 0);
			set_payload(out, pl_text);
		} else {
			lambda_detail(out, "the caller's deadline passed before the function answered");
		}
		return;
	case LAMBDA_X_EOF:
		crashed(out, call, p, "exited");
		return;
	}
}

void lambda_pool_invoke(struct lambda_pool *pl, const struct lambda_call *call,
			struct fg_invoke_result *out)
{
	struct lambda_slot *slot;
	bool dead;

	slot = acquire(pl, call->caller_deadline, &dead);
	if (slot == NULL) {
		out->status = dead ? FG_INVOKE_CRASHED : FG_INVOKE_TIMEOUT;
		lambda_detail(out, dead ? "the Lambda service is stopping"
				     : "every worker of the function stayed busy until the caller's "
				       "deadline");
		return;
	}
	if (pl->spec.mode == LAMBDA_URL) {
		int64_t deadline = min_deadline(lambda_mono_ms() + (int64_t)pl->spec.timeout_s * 1000,
						call->caller_deadline);

		lambda_url_invoke(&slot->curl, &pl->spec, call, deadline, out);
	} else {
		run_in_worker(pl, slot, call, out);
		log_output(call, &pl->spec, &slot->proc.tail);
		add_output(out, &slot->proc.tail);
	}
	release(pl, slot);
}
