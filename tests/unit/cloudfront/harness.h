/*
 * harness.h: what the cloudfront unit tests share — stacks deployed with the real deployer
 * against the CloudFront types, the service's compiled view, and templates written as JSON
 * with ' for ".
 */
#ifndef FG_TEST_CF_HARNESS_H
#define FG_TEST_CF_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "cloudfront/cf_priv.h"
#include "tap.h"

static const struct stack_defaults def __attribute__((unused)) = { "123456789012", "us-east-1" };

struct fx {
	struct fg_clock clock;
	struct cloudfront *cf;
	struct stack_registry *reg;
	struct stack_world *w;
	struct cf_view *view;
	struct fg_err err;
	cJSON *doc;              /* the last deployed stack document */
};

#include "deploy.h"

static inline void fx_init(struct fx *f)
{
	struct cloudfront_deps d;

	memset(f, 0, sizeof(*f));
	memset(&d, 0, sizeof(d));
	fg_clock_init(&f->clock);
	fg_clock_set_fixed(&f->clock, 1767225600000); /* 2026-01-01 */
	d.clock = &f->clock;
	f->cf = cloudfront_new(&d);
	f->reg = stack_registry_new();
	cloudfront_register_types(f->cf, f->reg);
	f->w = stack_world_new(NULL);
}

static inline void fx_fini(struct fx *f)
{
	cf_view_release(f->view);
	stack_world_rel(&f->w);
	stack_registry_destroy(&f->reg);
	cloudfront_destroy(&f->cf);
	cJSON_Delete(f->doc);
	fg_clock_fini(&f->clock);
}

/* Deploys tpl as stack name in region (NULL: us-east-1); 0 or -1 (f->err). */
static inline int deploy_in(struct fx *f, const char *name, const char *region, const char *tpl)
{
	if (unit_deploy(f->reg, &def, &f->w, &f->doc, name, region, 1767225600000, tpl,
			&f->err) != 0)
		return -1;
	cf_view_release(f->view);
	f->view = cf_view_compile(f->cf, f->w, &f->err);
	return 0;
}

static inline int deploy(struct fx *f, const char *name, const char *tpl)
{
	return deploy_in(f, name, NULL, tpl);
}

/* The deployed resource with this logical id in the last stack document. */
static inline const cJSON *resource(const struct fx *f, const char *logical)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(f->doc, "Resources"))
		if (strcmp(cJSON_GetObjectItemCaseSensitive(r, "LogicalId")->valuestring,
			   logical) == 0)
			return r;
	return NULL;
}

static inline const char *attr(const struct fx *f, const char *logical, const char *name)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(resource(f, logical), "Attributes");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(a, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static inline bool warned(const struct fx *f, const char *text)
{
	const cJSON *w;

	cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(f->doc, "Warnings"))
		if (strstr(w->valuestring, text) != NULL)
			return true;
	return false;
}

static inline bool err_has(const struct fx *f, const char *text)
{
	bool yes = strstr(f->err.message, text) != NULL;

	if (!yes)
		printf("# error was: %s (%s)\n", f->err.message, f->err.code);
	return yes;
}

#endif
