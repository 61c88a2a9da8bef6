/*
 * json.h: JSON literals in unit tests. J("{'a': 1}") parses with ' read as " and ` read as '
 * (for literals such as `yes` inside mapping templates); a bad literal fails the test program.
 */
#ifndef FG_TEST_JSON_H
#define FG_TEST_JSON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/core.h"

static inline cJSON *J(const char *text)
{
	char *s = strdup(text);
	cJSON *j;

	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
		else if (*p == '`')
			*p = '\'';
	j = cJSON_Parse(s);
	if (j == NULL)
		printf("# bad JSON in test: %s\n", s);
	free(s);
	FG_ASSERT(j != NULL);
	return j;
}

#endif
