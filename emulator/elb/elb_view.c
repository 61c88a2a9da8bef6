/*
 * elb_view.c: the load balancers of a world as the data plane reads them — each load
 * balancer with its DNS name and listeners, each listener with its certificates, its rules
 * sorted by priority and its default actions, each action with its target groups resolved.
 * Built from the stack documents (stack.h) when the world changes; immutable afterwards
 * except the round-robin counters.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "elb/elb_int.h"

struct build {
	struct elb_view *v;
	const struct stack_world *w;
};

static const cJSON *item(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = item(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static long num(const cJSON *o, const char *k, long dflt)
{
	const cJSON *v = item(o, k);

	if (cJSON_IsNumber(v))
		return (long)v->valuedouble;
	if (cJSON_IsString(v) && v->valuestring[0])
		return strtol(v->valuestring, NULL, 10);
	return dflt;
}

static const char *dup(struct build *b, const char *s)
{
	return s ? fg_arena_strdup(b->v->arena, s) : NULL;
}

static void *alloc(struct build *b, size_t n, size_t size)
{
	void *p = fg_arena_alloc(b->v->arena, (n ? n : 1) * size);

	memset(p, 0, (n ? n : 1) * size);
	return p;
}

/* Calls f on every resource of type in the world. */
typedef void (*each_f)(struct build *b, const cJSON *doc, const cJSON *res);

static size_t each(struct build *b, const char *type, each_f f)
{
	const cJSON *doc, *r;
	size_t n = 0;

	cJSON_ArrayForEach(doc, stack_world_stacks(b->w)) {
		cJSON_ArrayForEach(r, item(doc, "Resources")) {
			if (strcmp(str(r, "Type"), type) != 0)
				continue;
			if (f != NULL)
				f(b, doc, r);
			n++;
		}
	}
	return n;
}

/* ------------------------------------------------------------ target groups */

static void add_tg(struct build *b, const cJSON *doc, const cJSON *r)
{
	const cJSON *p = item(r, "Properties"), *t;
	struct elb_tg *g = &b->v->tgs[b->v->ntgs++];
	size_t i = 0;

	g->arn = dup(b, str(r, "PhysicalId"));
	g->name = dup(b, str(item(r, "Attributes"), "TargetGroupName"));
	g->protocol = dup(b, str(p, "Protocol") ? str(p, "Protocol") : "HTTP");
	g->type = dup(b, str(p, "TargetType") ? str(p, "TargetType") : "instance");
	g->vpc_id = dup(b, str(p, "VpcId"));
	g->port = (int)num(p, "Port", 80);
	g->targets = alloc(b, (size_t)cJSON_GetArraySize(item(p, "Targets")), sizeof(*g->targets));
	cJSON_ArrayForEach(t, item(p, "Targets")) {
		if (str(t, "Id") == NULL)
			continue;
		g->targets[i].id = dup(b, str(t, "Id"));
		g->targets[i++].port = (int)num(t, "Port", g->port);
	}
	g->ntargets = i;
	atomic_init(&g->next, 0);
}

static struct elb_tg *tg_by_arn(const struct elb_view *v, const char *arn)
{
	for (size_t i = 0; arn != NULL && i < v->ntgs; i++)
		if (strcmp(v->tgs[i].arn, arn) == 0)
			return &v->tgs[i];
	return NULL;
}

/* ---------------------------------------------------------------- actions */

static void forward_compile(struct build *b, const cJSON *a, struct elb_action *x)
{
	const cJSON *groups = item(item(a, "ForwardConfig"), "TargetGroups"), *g;
	size_t n = (size_t)cJSON_GetArraySize(groups) + (str(a, "TargetGroupArn") ? 1 : 0);

	x->fwd = alloc(b, n, sizeof(*x->fwd));
	x->next = alloc(b, 1, sizeof(*x->next));
	atomic_init(x->next, 0);
	if (str(a, "TargetGroupArn") != NULL && cJSON_GetArraySize(groups) == 0) {
		x->fwd[0].arn = dup(b, str(a, "TargetGroupArn"));
		x->fwd[0].weight = 1;
		x->nfwd = 1;
	}
	cJSON_ArrayForEach(g, groups) {
		struct elb_fwd *f = &x->fwd[x->nfwd++];

		f->arn = dup(b, str(g, "TargetGroupArn"));
		f->weight = num(g, "Weight", 1);
	}
	for (size_t i = 0; i < x->nfwd; i++) {
		x->fwd[i].tg = tg_by_arn(b->v, x->fwd[i].arn);
		x->total_weight += x->fwd[i].weight;
	}
}

static int code_of(const char *s)
{
	return s && strncmp(s, "HTTP_", 5) == 0 ? atoi(s + 5) : s ? atoi(s) : 0;
}

static void action_compile(struct build *b, const cJSON *a, struct elb_action *x, long i)
{
	const char *type = str(a, "Type") ? str(a, "Type") : "forward";
	const cJSON *f = item(a, "FixedResponseConfig"), *r = item(a, "RedirectConfig");

	x->type = dup(b, type);
	x->order = num(a, "Order", 50001 + i);   /* no Order: after those with one, in order */
	if (strcmp(type, "forward") == 0) {
		x->kind = ELB_A_FORWARD;
		forward_compile(b, a, x);
	} else if (strcmp(type, "fixed-response") == 0) {
		x->kind = ELB_A_FIXED;
		x->status = code_of(str(f, "StatusCode"));
		x->content_type = dup(b, str(f, "ContentType"));
		x->body = dup(b, str(f, "MessageBody") ? str(f, "MessageBody") : "");
	} else if (strcmp(type, "redirect") == 0) {
		x->kind = ELB_A_REDIRECT;
		x->status = code_of(str(r, "StatusCode"));
		x->r_protocol = dup(b, str(r, "Protocol") ? str(r, "Protocol") : "#{protocol}");
		x->r_host = dup(b, str(r, "Host") ? str(r, "Host") : "#{host}");
		x->r_port = dup(b, str(r, "Port") ? str(r, "Port") : "#{port}");
		x->r_path = dup(b, str(r, "Path") ? str(r, "Path") : "/#{path}");
		x->r_query = dup(b, str(r, "Query") ? str(r, "Query") : "#{query}");
	} else {
		x->kind = ELB_A_AUTH;
	}
}

static int by_order(const void *a, const void *b)
{
	const struct elb_action *x = a, *y = b;

	return x->order < y->order ? -1 : x->order > y->order;
}

static struct elb_action *actions_compile(struct build *b, const cJSON *list, size_t *n)
{
	struct elb_action *v = alloc(b, (size_t)cJSON_GetArraySize(list), sizeof(*v));
	const cJSON *a;

	*n = 0;
	cJSON_ArrayForEach(a, list) {
		action_compile(b, a, &v[*n], (long)*n);
		(*n)++;
	}
	qsort(v, *n, sizeof(*v), by_order);
	return v;
}

/* ------------------------------------------------------------- conditions */

static enum elb_field field_of(const char *s)
{
	static const char *const names[] = { "path-pattern", "host-header", "http-header",
					     "http-request-method", "query-string", "source-ip" };

	for (int i = 0; i < 6; i++)
		if (s != NULL && strcmp(s, names[i]) == 0)
			return (enum elb_field)i;
	return ELB_F_PATH;
}

static void cond_compile(struct build *b, const cJSON *cd, struct elb_cond *c)
{
	static const char *const cfg[] = { "PathPatternConfig", "HostHeaderConfig",
		"HttpHeaderConfig", "HttpRequestMethodConfig", "QueryStringConfig",
		"SourceIpConfig" };
	const cJSON *conf, *vals, *v;
	size_t n;

	c->field = field_of(str(cd, "Field"));
	conf = item(cd, cfg[c->field]);
	vals = item(cd, "Values") ? item(cd, "Values") : item(conf, "Values");
	n = (size_t)cJSON_GetArraySize(vals);
	c->values = alloc(b, n, sizeof(char *));
	c->keys = alloc(b, n, sizeof(char *));
	c->header = dup(b, str(conf, "HttpHeaderName"));
	cJSON_ArrayForEach(v, vals) {
		if (c->field == ELB_F_QUERY) {
			c->keys[c->n] = dup(b, str(v, "Key"));
			c->values[c->n++] = dup(b, str(v, "Value") ? str(v, "Value") : "");
		} else if (cJSON_IsString(v)) {
			c->values[c->n++] = dup(b, v->valuestring);
		}
	}
}

/* ---------------------------------------------------------- load balancers */

static void add_lb(struct build *b, const cJSON *doc, const cJSON *r)
{
	const cJSON *p = item(r, "Properties"), *at = item(r, "Attributes");
	struct elb_lb *lb = &b->v->lbs[b->v->nlbs++];

	lb->arn = dup(b, str(r, "PhysicalId"));
	lb->name = dup(b, str(at, "LoadBalancerName"));
	lb->dns = dup(b, str(at, "DNSName") ? str(at, "DNSName") : "");
	lb->scheme = dup(b, str(p, "Scheme") ? str(p, "Scheme") : "internet-facing");
	lb->type = dup(b, str(p, "Type") ? str(p, "Type") : "application");
	lb->vpc_id = dup(b, str(item(r, "State"), "VpcId"));
	lb->node_ip = dup(b, str(item(r, "State"), "NodeAddress") ? str(item(r, "State"),
									  "NodeAddress")
								   : "10.0.0.4");
	lb->stack = dup(b, str(doc, "Name"));
}

static struct elb_lb *lb_by_arn(const struct elb_view *v, const char *arn)
{
	for (size_t i = 0; arn != NULL && i < v->nlbs; i++)
		if (strcmp(v->lbs[i].arn, arn) == 0)
			return &v->lbs[i];
	return NULL;
}

static void count_listener(struct build *b, const cJSON *doc, const cJSON *r)
{
	struct elb_lb *lb = lb_by_arn(b->v, str(item(r, "Properties"), "LoadBalancerArn"));

	if (lb != NULL)
		lb->nlisteners++;
}

static void alloc_listeners(struct elb_view *v, struct build *b)
{
	for (size_t i = 0; i < v->nlbs; i++) {
		v->lbs[i].listeners = alloc(b, v->lbs[i].nlisteners, sizeof(struct elb_listener));
		v->lbs[i].nlisteners = 0;
	}
}

static void add_listener(struct build *b, const cJSON *doc, const cJSON *r)
{
	const cJSON *p = item(r, "Properties"), *cert;
	struct elb_lb *lb = lb_by_arn(b->v, str(p, "LoadBalancerArn"));
	struct elb_listener *l;

	if (lb == NULL)
		return;
	l = &lb->listeners[lb->nlisteners++];
	l->arn = dup(b, str(r, "PhysicalId"));
	l->port = (int)num(p, "Port", 80);
	l->https = str(p, "Protocol") != NULL && strcmp(str(p, "Protocol"), "HTTPS") == 0;
	l->ssl_policy = dup(b, str(p, "SslPolicy") ? str(p, "SslPolicy")
						   : "ELBSecurityPolicy-2016-08");
	l->certs = alloc(b, (size_t)cJSON_GetArraySize(item(p, "Certificates")) + 8,
			 sizeof(char *));
	cJSON_ArrayForEach(cert, item(p, "Certificates"))
		if (str(cert, "CertificateArn") != NULL && l->ncerts < 8)
			l->certs[l->ncerts++] = dup(b, str(cert, "CertificateArn"));
	l->defaults = actions_compile(b, item(p, "DefaultActions"), &l->ndefaults);
}

static struct elb_listener *listener_by_arn(const struct elb_view *v, const char *arn)
{
	for (size_t i = 0; arn != NULL && i < v->nlbs; i++)
		for (size_t j = 0; j < v->lbs[i].nlisteners; j++)
			if (strcmp(v->lbs[i].listeners[j].arn, arn) == 0)
				return &v->lbs[i].listeners[j];
	return NULL;
}

static void count_rule(struct build *b, const cJSON *doc, const cJSON *r)
{
	struct elb_listener *l = listener_by_arn(b->v, str(item(r, "Properties"), "ListenerArn"));

	if (l != NULL)
		l->nrules++;
}

static void alloc_rules(struct build *b)
{
	for (size_t i = 0; i < b->v->nlbs; i++) {
		for (size_t j = 0; j < b->v->lbs[i].nlisteners; j++) {
			struct elb_listener *l = &b->v->lbs[i].listeners[j];

			l->rules = alloc(b, l->nrules, sizeof(struct elb_rule));
			l->nrules = 0;
		}
	}
}

static void add_rule(struct build *b, const cJSON *doc, const cJSON *r)
{
	const cJSON *p = item(r, "Properties"), *cd;
	struct elb_listener *l = listener_by_arn(b->v, str(p, "ListenerArn"));
	struct elb_rule *x;

	if (l == NULL)
		return;
	x = &l->rules[l->nrules++];
	x->arn = dup(b, str(r, "PhysicalId"));
	x->priority = num(p, "Priority", 50000);
	x->conds = alloc(b, (size_t)cJSON_GetArraySize(item(p, "Conditions")), sizeof(*x->conds));
	cJSON_ArrayForEach(cd, item(p, "Conditions"))
		cond_compile(b, cd, &x->conds[x->nconds++]);
	x->acts = actions_compile(b, item(p, "Actions"), &x->nacts);
}

static void add_lcert(struct build *b, const cJSON *doc, const cJSON *r)
{
	const cJSON *p = item(r, "Properties"), *cert;
	struct elb_listener *l = listener_by_arn(b->v, str(p, "ListenerArn"));

	cJSON_ArrayForEach(cert, item(p, "Certificates"))
		if (l != NULL && str(cert, "CertificateArn") != NULL && l->ncerts < 8)
			l->certs[l->ncerts++] = dup(b, str(cert, "CertificateArn"));
}

static int by_priority(const void *a, const void *b)
{
	const struct elb_rule *x = a, *y = b;

	return x->priority < y->priority ? -1 : x->priority > y->priority;
}

void *elb_view_compile(void *self, const struct stack_world *w, struct fg_err *err)
{
	struct elb_view *v = calloc(1, sizeof(*v));
	struct build b = { v, w };

	FG_ASSERT(v != NULL);
	v->arena = fg_arena_new(16384);
	v->tgs = alloc(&b, each(&b, ELB_T_TG, NULL), sizeof(*v->tgs));
	each(&b, ELB_T_TG, add_tg);
	v->lbs = alloc(&b, each(&b, ELB_T_LB, NULL), sizeof(*v->lbs));
	each(&b, ELB_T_LB, add_lb);
	each(&b, ELB_T_LISTENER, count_listener);
	alloc_listeners(v, &b);
	each(&b, ELB_T_LISTENER, add_listener);
	each(&b, ELB_T_RULE, count_rule);
	alloc_rules(&b);
	each(&b, ELB_T_RULE, add_rule);
	each(&b, ELB_T_LCERT, add_lcert);
	for (size_t i = 0; i < v->nlbs; i++)
		for (size_t j = 0; j < v->lbs[i].nlisteners; j++)
			qsort(v->lbs[i].listeners[j].rules, v->lbs[i].listeners[j].nrules,
			      sizeof(struct elb_rule), by_priority);
	return v;
}

void elb_view_release(void *view)
{
	struct elb_view *v = view;

	if (v == NULL)
		return;
	fg_arena_destroy(&v->arena);
	free(v);
}

const struct elb_lb *elb_view_lb(const struct elb_view *v, const char *host)
{
	size_t n = strcspn(host, ":");

	if (n > 10 && strncasecmp(host, "dualstack.", 10) == 0) {
		host += 10;
		n -= 10;
	}
	for (size_t i = 0; v != NULL && i < v->nlbs; i++)
		if (strlen(v->lbs[i].dns) == n && strncasecmp(v->lbs[i].dns, host, n) == 0)
			return &v->lbs[i];
	return NULL;
}

const struct elb_listener *elb_lb_listener(const struct elb_lb *lb, int port)
{
	for (size_t i = 0; i < lb->nlisteners; i++)
		if (lb->listeners[i].port == port)
			return &lb->listeners[i];
	return NULL;
}
