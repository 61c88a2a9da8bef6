/*
 * elb_int.h: what the elb module's files share (not for other modules).
 *
 *   elb.c        the service object, its links and slot
 *   elb_types.c  the CloudFormation types and ELB's validation
 *   elb_view.c   the compiled view of a world (load balancers, listeners, rules, groups)
 *   elb_match.c  rule conditions and wildcards (pure functions)
 *   elb_req.c    the data plane: claim, listens, serve, actions, targets, error pages
 */
#ifndef FG_ELB_INT_H
#define FG_ELB_INT_H

#include <stdatomic.h>

#include "elb/elb.h"
#include "http/http.h"

#define ELB_T_LB "AWS::ElasticLoadBalancingV2::LoadBalancer"
#define ELB_T_LISTENER "AWS::ElasticLoadBalancingV2::Listener"
#define ELB_T_TG "AWS::ElasticLoadBalancingV2::TargetGroup"
#define ELB_T_RULE "AWS::ElasticLoadBalancingV2::ListenerRule"
#define ELB_T_LCERT "AWS::ElasticLoadBalancingV2::ListenerCertificate"
#define ELB_SERVICE "ElasticLoadBalancingV2"

struct elb {
	struct fg_service svc;
	struct elb_deps deps;
	unsigned slot;
	bool has_slot;
};

/* ------------------------------------------------------------- the view */

struct elb_target {
	const char *id;     /* an address (ip), an instance id, a function ARN */
	int port;
};

struct elb_tg {
	const char *arn, *name, *protocol, *type, *vpc_id;
	int port;
	struct elb_target *targets;
	size_t ntargets;
	atomic_uint next;   /* round robin */
};

enum elb_act_kind { ELB_A_FORWARD, ELB_A_FIXED, ELB_A_REDIRECT, ELB_A_AUTH };

struct elb_fwd {
	const char *arn;
	struct elb_tg *tg;  /* NULL when the group is not in this world */
	long weight;
};

struct elb_action {
	enum elb_act_kind kind;
	const char *type;   /* as written: "forward", "authenticate-oidc", ... */
	long order;
	/* forward */
	struct elb_fwd *fwd;
	size_t nfwd;
	long total_weight;
	atomic_uint *next;  /* weighted choice between groups */
	/* fixed-response (status, content_type, body) and redirect (status, r_*) */
	int status;
	const char *content_type, *body;
	const char *r_protocol, *r_host, *r_port, *r_path, *r_query;
};

enum elb_field {
	ELB_F_PATH, ELB_F_HOST, ELB_F_HEADER, ELB_F_METHOD, ELB_F_QUERY, ELB_F_SOURCE_IP
};

struct elb_cond {
	enum elb_field field;
	const char *header;   /* http-header: its name */
	const char **keys;    /* query-string: the key of each pair (NULL: any key) */
	const char **values;  /* patterns (values of query-string pairs, CIDRs for source-ip) */
	size_t n;
};

struct elb_rule {
	const char *arn;
	long priority;
	struct elb_cond *conds;
	size_t nconds;
	struct elb_action *acts;   /* in Order */
	size_t nacts;
};

struct elb_listener {
	const char *arn;
	int port;
	bool https;
	const char *ssl_policy;
	const char **certs;        /* the default certificate first, then ListenerCertificates */
	size_t ncerts;
	struct elb_rule *rules;    /* by priority */
	size_t nrules;
	struct elb_action *defaults;
	size_t ndefaults;
};

struct elb_lb {
	const char *arn, *name, *dns, *scheme, *type, *vpc_id, *node_ip, *stack;
	struct elb_listener *listeners;
	size_t nlisteners;
};

struct elb_view {
	struct fg_arena *arena;
	struct elb_lb *lbs;
	size_t nlbs;
	struct elb_tg *tgs;
	size_t ntgs;
};

/* ------------------------------------------------------------ elb_view.c */

void *elb_view_compile(void *self, const struct stack_world *w, struct fg_err *err);
void elb_view_release(void *view);
/* The load balancer whose DNS name (or dualstack. form) is host (any case, port ignored). */
const struct elb_lb *elb_view_lb(const struct elb_view *v, const char *host);
const struct elb_listener *elb_lb_listener(const struct elb_lb *lb, int port);

/* ----------------------------------------------------------- elb_match.c */

/* What rule conditions look at. */
struct elb_probe {
	const char *path;        /* as sent, without the query */
	const char *query;       /* raw, "" when none */
	const char *host;        /* Host without its port */
	const char *method;
	const char *client_ip;   /* the connection's source address */
	const struct fg_http_header *headers;
	size_t nheaders;
	struct fg_arena *arena;
};

/* '*' matches any run of characters (also '/'), '?' exactly one; nocase compares ASCII
 * letters without case. */
bool elb_wildcard(const char *pattern, const char *s, bool nocase);
/* "10.0.0.0/8" (or a single address, IPv4 or IPv6) contains ip. */
bool elb_cidr_match(const char *cidr, const char *ip);
/* One condition: true when any of its values matches the request. */
bool elb_cond_match(const struct elb_cond *c, const struct elb_probe *p);
/* The first rule (rules sorted by priority) whose conditions all match; NULL for none. */
const struct elb_rule *elb_rule_select(const struct elb_rule *rules, size_t n,
				       const struct elb_probe *p);
/* "path-pattern", ... for traces. */
const char *elb_field_name(enum elb_field f);

/* ------------------------------------------------------------- elb_types.c */

void elb_types_register(struct stack_registry *r, void *svc);

/* -------------------------------------------------------------- elb_req.c */

bool elb_claim(void *self, const void *view, const struct fg_http_req *req);
bool elb_listens(void *self, const void *view, const char *name, bool https, int port);
void elb_serve(void *self, const struct stack_world *w, const void *view,
	       struct fg_http_req *req, struct fg_http_resp *resp, struct fg_trace *t);

#endif
