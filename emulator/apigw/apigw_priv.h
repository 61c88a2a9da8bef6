/*
 * apigw_priv.h: what the files of the apigw module share (and what its unit tests reach).
 *
 *   apigw.c        the service object, its fidelity switches, the fg_service glue
 *   apigw_types.c  control plane: AWS::ApiGateway::* validation, ids, the Deployment snapshot
 *   apigw_view.c   compile: a world -> hash of APIs -> stages -> compiled deployments
 *   apigw_route.c  the resource tree and method-aware matching (aws-behavior.md §1.4)
 *   apigw_vtl.c    the mapping-template (VTL) subset
 *   apigw_req.c    the request pipeline: host/stage, route, auth, errors (§1.1-§1.5)
 *   apigw_auth.c   private-API network path, SigV4, resource and identity policies (§2)
 *   apigw_event.c  Lambda proxy payload 1.0 and the proxy response contract (§3.1, §3.2)
 *   apigw_integ.c  integrations: MOCK, AWS_PROXY, HTTP, HTTP_PROXY (§1.6, §3.3)
 *   apigw_domain_types.c  control plane of custom domains: DomainName, BasePathMapping,
 *                  ApiGatewayV2::ApiMapping (§1.3, §4, §7.1)
 *   apigw_domain.c custom domains on the data plane: Host -> domain -> mapping, the SNI/Host
 *                  421, the mTLS step, TLS sites (§1.3, §1.7, §4)
 *   apigw_mtls.c   truststores and client certificate verification (§4)
 *   apigw_edge.c   CloudFront's headers on EDGE endpoints (§1.1, §3.1, §8 S7)
 *
 * Everything a compiled view holds lives in the view's arena or is borrowed from the world it
 * was compiled from (the view is freed with that world), so the data plane never copies
 * configuration and never touches the database.
 */
#ifndef FG_APIGW_PRIV_H
#define FG_APIGW_PRIV_H

#include <regex.h>
#include <stdatomic.h>

#include "apigw/apigw.h"
#include "http/http.h"
#include "iface/identity.h"
#include "policy/policy.h"
#include "sigv4/sigv4.h"
#include "trace/trace.h"

struct apigw_domain;
struct apigw_domains;
struct apigw_client_cert;
struct x509_store_st;           /* OpenSSL's X509_STORE */

/* ------------------------------------------------------------------ apigw.c */

/*
 * Fidelity switches: where AWS behaviour is UNCONFIRMED (aws-behavior.md), the choice is named
 * here with its default. Set on the command line, e.g. --fidelity apigw.unknown-api=not-found
 * (README, "Fidelity switches").
 */
enum apigw_unknown_api {
	APIGW_UNKNOWN_API_FORBIDDEN,   /* default: 403 {"message":"Forbidden"} (§1.1, §1.3) */
	APIGW_UNKNOWN_API_NOT_FOUND,   /* LocalStack's 404 "The API id '…' does not correspond…" */
};

enum apigw_sig_messages {
	APIGW_SIG_REDACTED,            /* default: the newer hashed form (§2.7) */
	APIGW_SIG_CLASSIC,             /* the raw header echoed back */
};

/* The connection's SNI selected one custom domain and Host names another that its certificate
 * does not serve, or another account's (§1.7: the status API Gateway answers is UNCONFIRMED). */
enum apigw_sni_mismatch {
	APIGW_SNI_MISMATCH_421,        /* default: 421 Misdirected Request, empty body */
	APIGW_SNI_MISMATCH_403,        /* 403 {"message":"Forbidden"} */
};

/* §1.5: an unknown access key / bad session token — which x-amzn-ErrorType (UNCONFIRMED). */
enum apigw_unknown_key {
	APIGW_UNKNOWN_KEY_ACCESS_DENIED, /* default: AccessDeniedException (KC troubleshooting) */
	APIGW_UNKNOWN_KEY_UNRECOGNIZED,  /* UnrecognizedClientException, as other services */
};

struct apigw_fidelity {
	enum apigw_unknown_api unknown_api;
	enum apigw_sig_messages sig_messages;
	enum apigw_sni_mismatch sni_mismatch;
	enum apigw_unknown_key unknown_key;
};

void apigw_fidelity_default(struct apigw_fidelity *f);
/* "key=value[,key=value]..."; unknown keys or values are an error and change nothing. */
int apigw_fidelity_parse(struct apigw_fidelity *f, const char *spec, struct fg_err *err);

struct apigw_usage;

struct sigv4_crypto;

struct apigw {
	struct apigw_deps deps;
	struct fg_service svc;
	struct apigw_fidelity fid;
	struct apigw_usage *usage;  /* usage-plan counters (apigw_keys.c) */
	struct sigv4_crypto *sig;   /* SHA-256/HMAC fetched once for AWS_IAM methods */
};

/* -------------------------------------------------------------- apigw_cfn.c */

#define APIGW_ID_ALPHABET "abcdefghijklmnopqrstuvwxyz0123456789"

/* CloudFormation's report of a failed API Gateway call (stack_schema.c); returns -1. */
#define apigw_handler_err(c, err, ...) stack_handler_err(c, err, "ApiGateway", __VA_ARGS__)
/* phys unless already set (pinned or kept): n characters derived from the identity + salt. */
void apigw_derive_id(const struct stack_rctx *c, const char *salt, size_t n, char phys[256]);
/*
 * Calls f on every deployed resource of this type whose RestApiId is api_id: this stack's
 * resources deployed so far in this change, then the other stacks'. f returns true to stop;
 * the resource it stopped on is returned. Indexed (stack_rctx_each): to ask about the
 * resources under one parent or the methods of one resource, ask stack_rctx_each by that
 * property instead, so that checking every resource stays linear.
 */
typedef stack_visit_f apigw_visit_f;
const cJSON *apigw_visit_api(const struct stack_rctx *c, const char *type, const char *api_id,
			     apigw_visit_f f, void *arg);
/* The RestApi props.RestApiId names, or NULL with AWS's NotFound error. */
const cJSON *apigw_find_api(const struct stack_rctx *c, const cJSON *props, struct fg_err *err);

/* ---------------------------------------------------------- apigw_openapi.c */

/* Imports a RestApi Body (OpenAPI 3 / Swagger 2 with API Gateway's extensions) into
 * state.Imported {Resources, Methods, GatewayResponses, BinaryMediaTypes, ...}. */
int apigw_openapi_import(const struct stack_rctx *c, const char *api_id, const char *root_id,
			 const cJSON *body, cJSON *state, struct fg_err *err);
/* The same checks without keeping anything (for validate). */
int apigw_openapi_validate(const struct stack_rctx *c, const cJSON *body, struct fg_err *err);

/* ------------------------------------------------------------ apigw_types.c */

void apigw_types_register(struct apigw *a, struct stack_registry *r);

/* The version of the Deployment snapshot format kept in a Deployment's State. */
#define APIGW_SNAPSHOT_VERSION 1

/* ------------------------------------------------------------- apigw_view.c */

enum apigw_verb {
	APIGW_DELETE, APIGW_GET, APIGW_HEAD, APIGW_OPTIONS, APIGW_PATCH, APIGW_POST, APIGW_PUT,
	APIGW_ANY, APIGW_NVERBS
};

/* The verb index of an HTTP method ("ANY" included); -1 for anything else. */
int apigw_verb(const char *method);
const char *apigw_verb_name(int verb);

struct apigw_kv {
	const char *k, *v;
};

/* A small ordered map (templates, parameter mappings, stage variables). */
struct apigw_map {
	const struct apigw_kv *v;
	size_t n;
};

/* Case-sensitive / case-insensitive lookup; NULL when absent. */
const char *apigw_map_get(const struct apigw_map *m, const char *k);
const char *apigw_map_getci(const struct apigw_map *m, const char *k);

enum apigw_integ_type {
	APIGW_INTEG_MOCK, APIGW_INTEG_AWS_PROXY, APIGW_INTEG_HTTP_PROXY, APIGW_INTEG_HTTP,
	APIGW_INTEG_AWS,
};

enum apigw_passthrough {
	APIGW_PASS_WHEN_NO_MATCH, APIGW_PASS_WHEN_NO_TEMPLATES, APIGW_PASS_NEVER,
};

struct apigw_iresp {              /* one IntegrationResponse */
	int status;                 /* StatusCode */
	const char *pattern;        /* SelectionPattern, NULL = the default response */
	regex_t *re;                /* compiled, anchored; NULL for the default response */
	struct apigw_map params;    /* method.response.header.X -> expression */
	struct apigw_map templates; /* media type -> template */
};

struct apigw_integ {
	enum apigw_integ_type type;
	const char *http_method;    /* IntegrationHttpMethod ("" for MOCK) */
	const char *uri;
	int timeout_ms;
	enum apigw_passthrough passthrough;
	struct apigw_map params;    /* integration.request.X -> expression */
	struct apigw_map templates; /* RequestTemplates */
	const struct apigw_iresp *iresp;
	size_t niresp;
};

enum apigw_auth {
	APIGW_AUTH_NONE, APIGW_AUTH_IAM, APIGW_AUTH_CUSTOM, APIGW_AUTH_COGNITO,
};

struct apigw_method {
	const char *verb;           /* "GET", "ANY", ... as declared */
	enum apigw_auth auth;
	bool api_key_required;
	struct apigw_integ integ;
};

enum apigw_seg {
	APIGW_SEG_ROOT, APIGW_SEG_LITERAL, APIGW_SEG_PARAM, APIGW_SEG_GREEDY,
};

struct apigw_node {               /* one resource of a deployment's tree */
	const char *id;
	const char *path;           /* "/pets/{id}" */
	const char *part;           /* "{id}" */
	const char *param;          /* "id" for {id} and {id+}; NULL for literals */
	enum apigw_seg kind;
	struct apigw_node **lits;   /* literal children sorted by part (bsearch) */
	size_t nlits;
	struct apigw_node *var;     /* the one {x} or {x+} child (AWS allows one) */
	const struct apigw_method *methods[APIGW_NVERBS];
};

/* Gateway response types (§1.5), in the order of the enum in AWS's model. */
#define APIGW_GR_TYPES(X)                                   \
	X(DEFAULT_4XX, 0, "")                               \
	X(DEFAULT_5XX, 0, "")                               \
	X(RESOURCE_NOT_FOUND, 404, "ResourceNotFoundException") \
	X(UNAUTHORIZED, 401, "UnauthorizedException")       \
	X(INVALID_SIGNATURE, 403, "InvalidSignatureException") \
	X(EXPIRED_TOKEN, 403, "ExpiredTokenException")      \
	X(ACCESS_DENIED, 403, "AccessDeniedException")      \
	X(INVALID_API_KEY, 403, "ForbiddenException")       \
	X(MISSING_AUTHENTICATION_TOKEN, 403, "MissingAuthenticationTokenException") \
	X(THROTTLED, 429, "TooManyRequestsException")       \
	X(QUOTA_EXCEEDED, 429, "LimitExceededException")    \
	X(WAF_FILTERED, 403, "WafFilteredException")        \
	X(BAD_REQUEST_PARAMETERS, 400, "BadRequestException") \
	X(BAD_REQUEST_BODY, 400, "BadRequestException")     \
	X(REQUEST_TOO_LARGE, 413, "RequestTooLargeException") \
	X(UNSUPPORTED_MEDIA_TYPE, 415, "BadRequestException") \
	X(AUTHORIZER_FAILURE, 500, "AuthorizerFailureException") \
	X(AUTHORIZER_CONFIGURATION_ERROR, 500, "AuthorizerConfigurationException") \
	X(API_CONFIGURATION_ERROR, 500, "InternalServerErrorException") \
	X(INTEGRATION_FAILURE, 504, "InternalServerErrorException") \
	X(INTEGRATION_TIMEOUT, 504, "InternalServerErrorException")

enum apigw_gr {
#define APIGW_GR_ENUM(name, status, type) APIGW_GR_##name,
	APIGW_GR_TYPES(APIGW_GR_ENUM)
#undef APIGW_GR_ENUM
	APIGW_GR_N
};

/* The type's name ("MISSING_AUTHENTICATION_TOKEN"), default status (0 for DEFAULT_*), default
 * x-amzn-ErrorType; -1 from apigw_gr_parse when the name is not a type. */
const char *apigw_gr_name(enum apigw_gr g);
int apigw_gr_status(enum apigw_gr g);
const char *apigw_gr_error_type(enum apigw_gr g);
int apigw_gr_parse(const char *name);

struct apigw_gwresp {             /* a GatewayResponse in a deployment */
	bool set;
	int status;                 /* 0 = keep the type's status */
	struct apigw_map params;    /* gatewayresponse.header.X -> expression */
	struct apigw_map templates;
};

enum apigw_endpoint { APIGW_EDGE, APIGW_REGIONAL, APIGW_PRIVATE };

struct apigw_deployment {
	const char *id;
	const char *api_id;
	const char *created;        /* when the snapshot was taken (ISO-8601) */
	bool disable_execute_api;
	const cJSON *policy;        /* the resource policy (expanded), NULL when none */
	enum apigw_endpoint endpoint;
	const char *const *binary;  /* binaryMediaTypes */
	size_t nbinary;
	bool api_key_from_authorizer; /* ApiKeySourceType AUTHORIZER */
	struct apigw_node *root;
	struct apigw_gwresp gr[APIGW_GR_N];
};

struct apigw_stage {
	const char *name;
	const struct apigw_deployment *dep; /* NULL: a stage without a deployment */
	struct apigw_map vars;      /* stage variables */
};

struct apigw_api {
	const char *id;
	const char *name;
	const char *account, *region;
	struct apigw_stage *stages;
	size_t nstages;
	int sig_messages;           /* Metadata.Frontgate.SignatureMessages; -1 = instance's */
	enum apigw_endpoint endpoint; /* EndpointConfiguration.Types, as the API is now */
	const char *const *vpce_ids;  /* EndpointConfiguration.VpcEndpointIds */
	size_t nvpce;
	bool disabled;              /* DisableExecuteApiEndpoint, deployed */
};

/* Usage plans and API keys (apigw_keys.c). */
struct apigw_throttle {
	bool set;
	double rate;                /* requests per second */
	double burst;
};

struct apigw_method_throttle {
	const char *path;           /* "/pets/{id}" */
	const char *method;         /* "GET" or "*" */
	struct apigw_throttle t;
};

struct apigw_plan_stage {
	const char *api, *stage;
	struct apigw_method_throttle *mt;
	size_t nmt;
};

enum apigw_period { APIGW_PERIOD_NONE, APIGW_PERIOD_DAY, APIGW_PERIOD_WEEK, APIGW_PERIOD_MONTH };

struct apigw_plan {
	const char *id;
	struct apigw_throttle throttle;
	long quota;                 /* requests per period; 0 = no quota */
	enum apigw_period period;
	int offset;
	struct apigw_plan_stage *stages;
	size_t nstages;
};

struct apigw_key {
	const char *id, *value;
	bool enabled;
	const struct apigw_plan **plans;
	size_t nplans;
};

struct apigw_view {
	struct apigw *owner;
	struct fg_arena *arena;
	struct apigw_api **slot;    /* open addressing by id */
	size_t cap, napis;
	regex_t **regs;             /* every compiled pattern, for regfree */
	size_t nregs, capregs;
	struct apigw_key **keys;    /* open addressing by value */
	size_t capkeys, nkeys;
	struct apigw_domains *domains; /* custom domain names (apigw_domain.c) */
};

void *apigw_view_compile(void *self, const struct stack_world *w, struct fg_err *err);
/* apigw_tls.c: fg_service.tls_sites (the default execute-api names per region). */
const struct fg_tls_site *apigw_tls_sites(void *self, const void *view, size_t *n);
void apigw_view_release(void *view);
/* The API with this id (n bytes, case-insensitive), NULL when none. */
const struct apigw_api *apigw_view_api(const struct apigw_view *v, const char *id, size_t n);
const struct apigw_stage *apigw_api_stage(const struct apigw_api *api, const char *name,
					  size_t n);

/* Compiles one Deployment snapshot (its State.Snapshot) into v's arena; NULL + err when the
 * snapshot is not one this version wrote. Exposed for unit tests. */
struct apigw_deployment *apigw_view_deployment(struct apigw_view *v, const char *id,
					       const cJSON *snapshot, struct fg_err *err);

/* ------------------------------------------------------------ apigw_route.c */

#define APIGW_MAX_PARAMS 32

struct apigw_match {
	const struct apigw_node *node;      /* matched resource (NULL: none) */
	const struct apigw_method *method;
	const char *pname[APIGW_MAX_PARAMS]; /* path parameters, values as sent */
	const char *pval[APIGW_MAX_PARAMS];
	size_t nparams;
	const struct apigw_node *path_only; /* a resource the path matched without the method */
};

/* Links and sorts a tree whose nodes were filled in (called once per deployment). */
void apigw_route_finish(struct apigw_node *n);
/*
 * Matches path (the resource path after the stage, raw, e.g. "/pets/7/") and method against
 * the tree (§1.4): literal over {param} over {proxy+}, method-aware backtracking across
 * resources, a concrete method over ANY, trailing slash ignored, empty segments skipped,
 * values kept percent-encoded. Parameter values are allocated in a. True when matched.
 */
bool apigw_route_match(const struct apigw_node *root, struct fg_arena *a, const char *method,
		       const char *path, struct apigw_match *m);

/* -------------------------------------------------------------- apigw_vtl.c */

/* What a mapping template can see. Callbacks return NULL for "no such value". */
struct apigw_vtl_env {
	void *arg;
	/* $context.<path> ("requestId", "identity.sourceIp", "error.messageString") */
	const char *(*context)(void *arg, const char *path);
	/* $input.params('x') (where NULL: path, then querystring, then header) or
	 * $input.params().<where>.get('x') */
	const char *(*param)(void *arg, const char *where, const char *name);
	const struct apigw_map *stage_vars;
	const char *body;           /* $input.body, $input.json(), $input.path() */
	size_t body_len;
};

/*
 * Renders template tpl into out. The supported subset is in README ("Mapping templates").
 * Returns 0, or -1 with *why (static text or arena) when the template uses something outside
 * the subset (a directive such as #if), so callers answer 500 and say why in the trace rather
 * than render it wrongly.
 */
int apigw_vtl_render(struct fg_arena *a, const char *tpl, const struct apigw_vtl_env *env,
		     struct fg_buf *out, const char **why);

/* ------------------------------------------------------------ apigw_event.c */

/* A tiny JSON writer over fg_buf. */
void apigw_json_str(struct fg_buf *b, const char *s);
void apigw_json_strn(struct fg_buf *b, const char *s, size_t n);

/* What the Lambda proxy event is built from (the request as API Gateway saw it). */
struct apigw_event_in {
	const char *resource_path;  /* "/{proxy+}" */
	const char *resource_id;
	const char *path;           /* request path after the stage */
	const char *stage_path;     /* "/dev/..." as requestContext.path */
	const char *method;
	const struct fg_http_header *headers; /* after §1.6 drops/additions */
	size_t nheaders;
	const char *query;          /* raw */
	const char *const *pname, *const *pval;
	size_t nparams;
	const struct apigw_map *stage_vars;
	const char *body;
	size_t body_len;
	bool body_base64;           /* encode the body (binary media type or not UTF-8) */
	const char *account, *api_id, *stage, *deployment_id;
	const char *domain, *domain_prefix;
	const char *request_id, *extended_id;
	int64_t now_ms;
	const char *source_ip, *user_agent;
	const struct fg_caller *caller; /* AWS_IAM: the verified caller; NULL otherwise */
	const struct apigw_client_cert *client_cert; /* mTLS: identity.clientCert; NULL without */
};

/* The payload 1.0 event as JSON text in out (§3.1). */
void apigw_event_build(const struct apigw_event_in *in, struct fg_arena *a, struct fg_buf *out);
/* "04/Mar/2020:19:15:17 +0000" */
void apigw_request_time(int64_t ms, char out[32]);

struct apigw_proxy_resp {
	int status;
	struct fg_http_header *headers; /* merged per §3.2 (arena) */
	size_t nheaders;
	const char *body;           /* arena; decoded when base64 applies */
	size_t body_len;
	bool is_base64;
};

/* Validates a Lambda proxy result (§3.2). 0, or -1 with *why saying what is malformed. */
int apigw_proxy_parse(const char *payload, size_t len, struct fg_arena *a,
		      struct apigw_proxy_resp *out, const char **why);

/* Decodes standard base64 (padding optional); -1 when s is not base64. */
int apigw_base64_decode(struct fg_arena *a, const char *s, size_t n, char **out, size_t *outn);
/* Whether media type mt ("image/png; q=1") matches one of the binaryMediaTypes. */
bool apigw_binary_match(const struct apigw_deployment *d, const char *mt);
/* Whether the n bytes are valid UTF-8. */
bool apigw_utf8_valid(const char *s, size_t n);

/* -------------------------------------------------------------- apigw_req.c */

void apigw_serve(void *self, const struct stack_world *w, const void *view,
		 struct fg_http_req *req, struct fg_http_resp *resp, struct fg_trace *t);
bool apigw_claim(void *self, const void *view, const struct fg_http_req *req);
/* API Gateway's endpoints accept HTTPS on port 443 only (fg_service.listens). */
bool apigw_listens(void *self, const void *view, const char *name, bool https, int port);

/*
 * Where a request is going, from its Host and path (§1.1, design.md §3). For the default host
 * (stage_path NULL) the stage is the first non-empty segment of the path; the path forms
 * /_aws/execute-api/{api}/{stage}/... and /restapis/{api}/{stage}/_user_request_/... name both.
 */
struct apigw_target {
	const char *api_id;         /* arena, lowercase */
	const char *region;         /* "" when the host form has none */
	const char *form;           /* "execute-api host", "path /_aws/execute-api", ... */
	const char *stage;          /* NULL: not named (or empty) */
	const char *stage_path;     /* "/{stage}/..." for requestContext.path */
	const char *rest;           /* the resource path after the stage ("/" at least) */
	const char *domain;         /* Host without port */
	const char *vpce_id;        /* "{api}-{vpce}" host form: the endpoint named in it */
	bool vpce_dns;              /* Host is an endpoint's vpce.amazonaws.com name */
	const char *event_path;     /* custom domains: the event's path (as sent, base path
				     * included); NULL: rest */
};

/* False when the request is not for API Gateway. */
bool apigw_target_parse(struct fg_arena *a, const char *host, const char *path,
			struct apigw_target *tg);


/* The per-request state the pipeline and integrations share. */
struct apigw_rq {
	struct apigw *a;
	const struct stack_world *w;
	const struct apigw_view *view;
	struct fg_http_req *req;
	struct fg_http_resp *resp;
	struct fg_trace *t;
	struct fg_arena *arena;
	char rid[37];
	char ext_id[17];
	int64_t now_ms;
	struct apigw_target tg;
	const struct apigw_api *api;
	const struct apigw_stage *stage;
	const struct apigw_deployment *dep;
	struct apigw_match m;
	const char *error_message;  /* $context.error.message while a gateway response renders */
	const char *error_type;     /* $context.error.responseType */
	const char *trace_header;   /* X-Amzn-Trace-Id for this request */
	bool sigv4;                 /* the request carries a SigV4 Authorization header */
	struct fg_caller *caller;   /* the verified SigV4 caller (AWS_IAM), NULL = anonymous */
	const char *src_vpce;       /* the VPC endpoint the request came through, or NULL */
	const char *src_vpc;
	/* the endpoint (integration) response, for integration.response.* expressions */
	const struct fg_http_header *ihdr;
	size_t nihdr;
	const char *ibody;
	size_t ibody_len;
	/* custom domains (apigw_domain.c) */
	const struct apigw_domain *domain;  /* the custom domain the Host named; NULL otherwise */
	const struct apigw_client_cert *client_cert; /* mTLS: the verified client certificate */
	const char *cf_id;          /* EDGE: X-Amz-Cf-Id of the AWS-managed distribution */
	bool cf_generated;          /* CloudFront answered itself: no API Gateway headers */
};

/*
 * Answers with gateway response g (§1.5): the deployment's customisation when there is one
 * (the type's own, then DEFAULT_4XX/5XX), else the default. status 0 = the type's status;
 * error_type NULL = the type's; body NULL = {"message":<message as JSON>}.
 */
void apigw_gateway_error(struct apigw_rq *r, enum apigw_gr g, int status, const char *error_type,
			 const char *message, const char *body);
/* API Gateway's payload limit (aws-behavior.md §1.8). */
#define APIGW_BODY_LIMIT ((size_t)10485760)
/* The integration-level error bodies, with the space after the colon (§1.5). */
#define APIGW_BODY_ISE "{\"message\": \"Internal server error\"}"
#define APIGW_BODY_TIMEOUT "{\"message\": \"Endpoint request timed out\"}"

/* apigw_auth.c: the network path (private APIs) and method authorization. False when the
 * request is refused (the answer is made). */
bool apigw_vpce_host_api(struct apigw_rq *r);
bool apigw_network_check(struct apigw_rq *r);
/* SigV4 (AWS_IAM methods) and the resource / identity policies (every method). */
bool apigw_authorize(struct apigw_rq *r);

/* Adds a response header unless the response is full (then says so in the trace). */
void apigw_add_header(struct apigw_rq *r, const char *name, const char *value);
/* The VTL environment of this request (stage variables, params, context). */
void apigw_vtl_env_init(struct apigw_rq *r, struct apigw_vtl_env *env, const char *body,
			size_t body_len);
/* The value of a request/response mapping expression ("'literal'", "method.request.header.X",
 * "stageVariables.x", "context.requestId", ...), NULL when it has none. */
const char *apigw_map_expr(struct apigw_rq *r, const char *expr);

/* ------------------------------------------------------------- apigw_keys.c */

/* AWS::ApiGateway::ApiKey, UsagePlan, UsagePlanKey. */
void apigw_keys_register(struct apigw *a, struct stack_registry *r);
/* Adds the world's keys and plans to v (called by apigw_view_compile). */
void apigw_keys_compile(struct apigw_view *v, const struct stack_world *w);
/* The enabled-or-not key with this value; NULL when none. */
const struct apigw_key *apigw_view_key(const struct apigw_view *v, const char *value);

struct apigw_usage *apigw_usage_new(void);
void apigw_usage_destroy(struct apigw_usage **up);
/* Forgets the counters of key/plan pairs that v no longer has. */
void apigw_usage_sweep(struct apigw_usage *u, const struct apigw_view *v);
enum apigw_take { APIGW_TAKE_OK, APIGW_TAKE_THROTTLED, APIGW_TAKE_QUOTA };
/* Counts one request of key under plan (and the method's throttle, may be NULL) at now_ms;
 * *left gets the quota left (-1 without quota). */
enum apigw_take apigw_usage_take(struct apigw_usage *u, const struct apigw_plan *p,
				 const struct apigw_key *k,
				 const struct apigw_method_throttle *mt, int64_t now_ms,
				 long *left);
/* The request's API key check for a method with ApiKeyRequired (§1.5); false when the
 * response is already made (403 / 429). */
bool apigw_keys_check(struct apigw_rq *r);

/* ------------- apigw_domain_types.c, apigw_domain.c, apigw_mtls.c, apigw_edge.c */

/* AWS::ApiGateway::DomainName, BasePathMapping and AWS::ApiGatewayV2::ApiMapping. */
void apigw_domain_types_register(struct apigw *a, struct stack_registry *r);
/* API Gateway's regional Route 53 hosted zone id in region (§7.1); NULL when the table has no
 * row for it. */
/* The security policies AWS accepts on a domain name (§4); false for anything else. */
bool apigw_policy_known(const char *policy);
/* (apigw_mtls.c) The truststore PEM as an X509_STORE (NULL when it holds no certificate);
 * *ncerts certificates were added, *nbad PEM blocks could not be read. X509_STORE_free it. */
struct x509_store_st *apigw_mtls_truststore(const char *pem, int *ncerts, int *nbad);

/* A base path mapping (V1) or an API mapping (V2) of a domain. */
struct apigw_mapping {
	const char *key;            /* "" for (none); "orders/v1/items" (no outer slashes) */
	size_t keylen;
	const char *api_id;
	const char *stage;          /* NULL: the stage is the first segment after the key */
	const char *source;         /* "BasePathMapping Orders (stack s)", for traces */
};

/* requestContext.identity.clientCert (§3.1), strings in the request's arena. */
struct apigw_client_cert {
	const char *pem, *subject_dn, *issuer_dn, *serial, *not_before, *not_after;
};

struct apigw_domain {
	const char *name;           /* lowercase; "*.example.com" for a wildcard domain */
	enum apigw_endpoint endpoint;
	const char *regional_name;  /* d-xxxxxxxxxx.execute-api.{region}.amazonaws.com (not EDGE) */
	const char *distribution_name; /* dxxxxxxxxxxxxx.cloudfront.net (EDGE only) */
	const char *policy;         /* SecurityPolicy */
	bool strict;                /* EndpointAccessMode STRICT */
	const char *cert_arn;       /* the certificate the domain names (NULL: none) */
	bool cert_emulated;         /* that certificate is an emulated resource of this world */
	const char *const *cert_names; /* names the served certificate covers (lowercase) */
	size_t ncert_names;
	const char *account, *region, *stack, *logical_id;
	const char *truststore_pem; /* mTLS; NULL without */
	/* built from truststore_pem at the first mutual TLS check (apigw_domain.c) */
	_Atomic(struct x509_store_st *) trust;
	struct apigw_mapping *maps; /* longest key first */
	size_t nmaps;
};

/* Compiles the world's custom domains into v (called by apigw_view_compile); frees them. */
int apigw_domains_compile(struct apigw_view *v, const struct stack_world *w, struct fg_err *err);
void apigw_domains_release(struct apigw_view *v);

enum apigw_host_kind {
	APIGW_HOST_NONE,
	APIGW_HOST_CUSTOM,          /* the domain's own name (or under its wildcard) */
	APIGW_HOST_REGIONAL,        /* its d-xxx.execute-api target name */
	APIGW_HOST_DISTRIBUTION,    /* its dxxx.cloudfront.net target name */
};

/* The domain a Host (port ignored, any case) names, and how; NULL when none. */
const struct apigw_domain *apigw_domain_find(const struct apigw_view *v, const char *host,
					     enum apigw_host_kind *kind);
/* The mapping serving path (raw, as sent): the longest key matching whole segments, else the
 * (none) mapping; *after = the path after the key ("/" at least). NULL when none matches. */
const struct apigw_mapping *apigw_domain_select(const struct apigw_domain *d, const char *path,
						const char **after);
/* Whether the certificate the connection got for domain sni also serves domain host. */
bool apigw_domain_cert_covers(const struct apigw_domain *sni, const struct apigw_domain *host);
/*
 * (apigw_mtls.c) Checks a client certificate (PEM: leaf first, then any intermediates)
 * against a truststore at now_ms (the emulator's clock): a chain of at most 4 to a trusted
 * root, not self-signed, no MD5/SHA-1 signature (§4). 0 with *out filled (arena), or -1 with
 * *why in the words of API Gateway's execution log ("Could not find issuer for certificate",
 * "certificate has expired", ...).
 */
int apigw_mtls_verify(struct x509_store_st *store, const char *pem, int64_t now_ms,
		      struct fg_arena *a, struct apigw_client_cert *out, const char **why);

enum apigw_domain_route {
	APIGW_DOMAIN_NO,            /* not a custom domain host: the execute-api forms apply */
	APIGW_DOMAIN_ROUTED,        /* r->tg names the mapped API, stage and resource path */
	APIGW_DOMAIN_UNMAPPED,      /* no mapping matches the path: Missing Authentication Token */
	APIGW_DOMAIN_ANSWERED,      /* refused (d-xxx host, 421, mTLS); the response is made */
};

/* The custom-domain steps of a request (§1.3, §1.7, §4), before the API's own pipeline. */
enum apigw_domain_route apigw_domain_route(struct apigw_rq *r);
/* True when host names a custom domain or one of its target names. */
bool apigw_domain_claim(const struct apigw_view *v, const char *host);
/* (apigw_edge.c) EDGE endpoints answer through an AWS-managed distribution (§1.1, §3.1,
 * §8 S7): the CloudFront-* headers, Via and X-Amz-Cf-Id for the Lambda event; Via, X-Amz-Cf-Id,
 * X-Amz-Cf-Pop and X-Cache on the response. Both do nothing for other endpoints. */
bool apigw_edge_applies(const struct apigw_rq *r);
void apigw_edge_event_headers(struct apigw_rq *r, struct fg_http_hlist *h);
void apigw_edge_response(struct apigw_rq *r);
/* fg_service.tls_sites for the custom domains of a view (iface/tls_sites.h). */
const struct fg_tls_site *apigw_domain_tls_sites(void *self, const void *view, size_t *n);

/* ------------------------------------------------------------ apigw_integ.c */

void apigw_integ_mock(struct apigw_rq *r);
void apigw_integ_aws_proxy(struct apigw_rq *r);
void apigw_integ_http(struct apigw_rq *r);

#endif
