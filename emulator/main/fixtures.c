/*
 * fixtures.c: reads and parses the --fixture templates on a thread of its own while start-up
 * deploys the ones before them. Parsing (libyaml) is about a fifth of loading a fixture and
 * needs nothing from the other fixtures; deploying stays in order on the caller's thread (a
 * fixture may import what an earlier one exports, and errors name the first fixture that
 * fails). At most FIXTURES_AHEAD parsed templates wait, so memory stays that of a few.
 */
#include "main/fixtures.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfn/cfn.h"

#define FIXTURES_AHEAD 2

struct fixture {
	cJSON *tpl;
	struct fg_err err;
	bool done;
};

struct fg_fixtures {
	const char *const *paths;
	size_t n;
	struct fixture *v;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	bool threaded;
	bool stop;
	size_t taken;                 /* fixtures handed out so far */
};

static int read_file(const char *path, char **out, size_t *len, struct fg_err *err)
{
	FILE *f = fopen(path, "rb");
	struct fg_buf b;
	char chunk[65536];
	size_t n;

	if (f == NULL) {
		fg_err_set(err, 400, "FixtureError", "cannot read fixture %s: %s", path,
			   strerror(errno));
		return -1;
	}
	fg_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fg_buf_append(&b, chunk, n);
	fclose(f);
	*len = b.len;
	*out = fg_buf_take(&b);
	return 0;
}

static enum cfn_format format_of(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot && (strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0))
		return CFN_FORMAT_YAML;
	if (dot && strcmp(dot, ".json") == 0)
		return CFN_FORMAT_JSON;
	return CFN_FORMAT_AUTO;
}

static void parse_one(const char *path, struct fixture *out)
{
	char *text = NULL;
	size_t len = 0;

	fg_err_clear(&out->err);
	if (read_file(path, &text, &len, &out->err) == 0)
		out->tpl = cfn_parse(text, len, format_of(path), &out->err);
	free(text);
}

static void *reader_main(void *arg)
{
	struct fg_fixtures *f = arg;

	for (size_t i = 0; i < f->n; i++) {
		struct fixture one = { NULL };

		bool stop;

		pthread_mutex_lock(&f->mu);
		while (!f->stop && i >= f->taken + FIXTURES_AHEAD)
			pthread_cond_wait(&f->cv, &f->mu);
		stop = f->stop;
		pthread_mutex_unlock(&f->mu);
		if (stop)
			break;
		parse_one(f->paths[i], &one);
		pthread_mutex_lock(&f->mu);
		f->v[i] = one;
		f->v[i].done = true;
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
		if (one.tpl == NULL)
			break;  /* start-up stops at this fixture */
	}
	return NULL;
}

struct fg_fixtures *fg_fixtures_open(const char *const *paths, size_t n)
{
	struct fg_fixtures *f = calloc(1, sizeof(*f));

	FG_ASSERT(f != NULL);
	f->paths = paths;
	f->n = n;
	f->v = calloc(n ? n : 1, sizeof(*f->v));
	FG_ASSERT(f->v != NULL);
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	/* one fixture has nothing to overlap with; without a thread, fg_fixtures_next parses */
	f->threaded = n > 1 && pthread_create(&f->thread, NULL, reader_main, f) == 0;
	return f;
}

cJSON *fg_fixtures_next(struct fg_fixtures *f, size_t i, struct fg_err *err)
{
	cJSON *tpl;

	FG_ASSERT(i < f->n && i == f->taken);
	if (!f->threaded)
		parse_one(f->paths[i], &f->v[i]);
	pthread_mutex_lock(&f->mu);
	while (f->threaded && !f->v[i].done)
		pthread_cond_wait(&f->cv, &f->mu);
	tpl = f->v[i].tpl;
	f->v[i].tpl = NULL;
	if (tpl == NULL)
		*err = f->v[i].err;
	f->taken = i + 1;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	return tpl;
}

void fg_fixtures_close(struct fg_fixtures **fp)
{
	struct fg_fixtures *f = *fp;

	if (f == NULL)
		return;
	if (f->threaded) {
		pthread_mutex_lock(&f->mu);
		f->stop = true;
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
		pthread_join(f->thread, NULL);
	}
	for (size_t i = 0; i < f->n; i++)
		cJSON_Delete(f->v[i].tpl);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->cv);
	free(f->v);
	free(f);
	*fp = NULL;
}
