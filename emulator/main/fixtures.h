/*
 * fixtures: the --fixture templates, read and parsed on a thread of their own while start-up
 * deploys the ones before them (fixtures.c).
 */
#ifndef FG_FIXTURES_H
#define FG_FIXTURES_H

#include <cjson/cJSON.h>

#include "core/core.h"

struct fg_fixtures;

/* Starts reading paths (borrowed: they outlive the reader) in order. */
struct fg_fixtures *fg_fixtures_open(const char *const *paths, size_t n);
/* Fixture i's parsed template (new tree, caller frees), asked for in order i = 0, 1, ...;
 * waits for it. NULL with err set when the file cannot be read or parsed. */
cJSON *fg_fixtures_next(struct fg_fixtures *f, size_t i, struct fg_err *err);
/* Stops the reader (templates not taken are freed). */
void fg_fixtures_close(struct fg_fixtures **fp);

#endif
