/*
 * apigw_auth.c: who may call a method — the network path of private APIs (aws-behavior.md
 * §1.1, §1.5), SigV4 verification for AWS_IAM methods (§2), IAM identity policies and the
 * API's resource policy (§2.5).
 *
 * The network path: a request "arrives through" a VPC interface endpoint when its Host is
 * the "{api}-{vpce}" alias form or the endpoint's own vpce.amazonaws.com name, or when an
 * in-process hop (CloudFront VPC origin, an internal ALB, the frontgate-only
 * X-Frontgate-Via-Vpce test header) says so. A private API reached any other way, and a
 * public API reached through an endpoint, answer 403 Forbidden. The endpoint's id and VPC
 * become aws:SourceVpce / aws:SourceVpc for policies.
 */
#include "apigw/apigw_priv.h"

#include <string.h>
#include <strings.h>

#define HOP(r, ...) fg_trace_hop((r)->t, "apigw", __VA_ARGS__)

static void forbidden(struct apigw_rq *r)
{
	fg_http_set_body(r->resp, 403, "application/json", "{\"message\":\"Forbidden\"}", 23);
	apigw_add_header(r, "x-amzn-ErrorType", "ForbiddenException");
}

/* The endpoint-specific host names the API with x-apigw-api-id (§1.1). */
bool apigw_vpce_host_api(struct apigw_rq *r)
{
	const char *id = fg_http_header(r->req, "x-apigw-api-id");

	if (!r->tg.vpce_dns)
		return true;
	if (id == NULL || *id == '\0') {
		HOP(r, "Host %s is a VPC endpoint name; without an x-apigw-api-id header (or, over "
		    "TLS, a Host naming the API) no API is selected: 403 Forbidden (body "
		    "UNCONFIRMED, aws-behavior.md §1.5)", r->tg.domain);
		forbidden(r);
		return false;
	}
	r->tg.api_id = fg_arena_strdup(r->arena, id);
	for (char *p = (char *)r->tg.api_id; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	HOP(r, "x-apigw-api-id selects api %s", r->tg.api_id);
	return true;
}

static bool find_vpce(struct apigw_rq *r, bool by_dns, const char *key, struct fg_vpce *out)
{
	const struct fg_network *n = r->a->deps.network;

	if (n == NULL)
		return false;
	return by_dns ? n->vpce_by_dns(n->self, r->w, key, r->arena, out)
		      : n->vpce_by_id(n->self, r->w, key, r->arena, out);
}

static bool associated(const struct apigw_api *api, const char *vpce)
{
	for (size_t i = 0; i < api->nvpce; i++)
		if (strcasecmp(api->vpce_ids[i], vpce) == 0)
			return true;
	return false;
}

/*
 * The endpoint the request came through: sets r->src_vpce / r->src_vpc. False when the
 * request must be refused (the answer is made).
 */
static bool source_endpoint(struct apigw_rq *r)
{
	struct fg_vpce e;
	const char *how;
	bool found;

	if (r->tg.vpce_dns) {
		how = "Host is the endpoint's own DNS name";
		found = find_vpce(r, true, r->tg.domain, &e);
	} else if (r->tg.vpce_id != NULL) {
		how = "Host is the {api}-{vpce} alias form";
		found = find_vpce(r, false, r->tg.vpce_id, &e);
	} else if (r->req->via_vpce != NULL) {
		how = "an in-process hop delivered it through the endpoint";
		found = find_vpce(r, false, r->req->via_vpce, &e);
		if (found && !e.private_dns && r->tg.vpce_id == NULL &&
		    strcmp(r->tg.form, "execute-api host") == 0) {
			HOP(r, "the request comes from VPC %s, but endpoint %s has PrivateDnsEnabled "
			    "false: the default host resolves to the public endpoint, so the call "
			    "does not go through the endpoint", e.vpc_id, e.id);
			return true;
		}
	} else {
		return true;
	}
	if (!found) {
		HOP(r, "%s, but no AWS::EC2::VPCEndpoint %s exists in this world: 403 Forbidden",
		    how, r->tg.vpce_dns ? r->tg.domain
			 : r->tg.vpce_id ? r->tg.vpce_id : r->req->via_vpce);
		forbidden(r);
		return false;
	}
	r->src_vpce = e.id;
	r->src_vpc = e.vpc_id;
	HOP(r, "arrives through VPC endpoint %s (VPC %s): %s", e.id, e.vpc_id, how);
	return true;
}

bool apigw_network_check(struct apigw_rq *r)
{
	const struct apigw_api *api = r->api;

	if (!source_endpoint(r))
		return false;
	if (api->endpoint == APIGW_PRIVATE && r->src_vpce == NULL) {
		HOP(r, "api %s is PRIVATE and the request does not come through a VPC endpoint: "
		    "403 Forbidden (aws-behavior.md §1.1/§1.5; body UNCONFIRMED)", api->id);
		forbidden(r);
		return false;
	}
	if (api->endpoint != APIGW_PRIVATE && r->src_vpce != NULL) {
		HOP(r, "api %s is %s but the request comes through VPC endpoint %s: a public API "
		    "reached through an execute-api endpoint answers 403 Forbidden "
		    "(aws-behavior.md §1.1, KC:api-gateway-vpc-connections)", api->id,
		    api->endpoint == APIGW_REGIONAL ? "REGIONAL" : "EDGE", r->src_vpce);
		forbidden(r);
		return false;
	}
	if (r->tg.vpce_id != NULL && !associated(api, r->src_vpce)) {
		HOP(r, "the {api}-{vpce} host names endpoint %s, which api %s is not associated "
		    "with (EndpointConfiguration.VpcEndpointIds): 403 Forbidden", r->src_vpce,
		    api->id);
		forbidden(r);
		return false;
	}
	return true;
}

/* ----------------------------------------------------------------- SigV4 (§2) */

static enum sigv4_messages msg_mode(const struct apigw_rq *r)
{
	int m = r->api != NULL && r->api->sig_messages >= 0 ? r->api->sig_messages
							     : (int)r->a->fid.sig_messages;

	return m == APIGW_SIG_CLASSIC ? SIGV4_MSG_CLASSIC : SIGV4_MSG_REDACTED;
}

/* The request as it arrived, for the verifier (nothing rewritten, §2.4). */
static void as_arrived(const struct apigw_rq *r, struct sigv4_request *rq)
{
	struct sigv4_header *h = fg_arena_alloc(r->arena, (r->req->nheaders + 1) * sizeof(*h));

	for (size_t i = 0; i < r->req->nheaders; i++) {
		h[i].name = r->req->headers[i].name;
		h[i].value = r->req->headers[i].value;
	}
	rq->method = r->req->method;
	rq->path = r->req->path;
	rq->query = r->req->query;
	rq->headers = h;
	rq->nheaders = r->req->nheaders;
	rq->body = r->req->body;
	rq->body_len = r->req->body_len;
}

static enum apigw_gr sig_gr(enum sigv4_code c)
{
	return c == SIGV4_E_MISSING || c == SIGV4_E_QUERY_ALGORITHM
		       ? APIGW_GR_MISSING_AUTHENTICATION_TOKEN : APIGW_GR_INVALID_SIGNATURE;
}

static void sig_refuse(struct apigw_rq *r, const struct sigv4_error *e)
{
	HOP(r, "SigV4 %s: %s", sigv4_code_name(e->code), e->explain ? e->explain : e->message);
	apigw_gateway_error(r, sig_gr(e->code), 403, e->type, e->message, NULL);
}

/* Step 9: the key, its secret and the caller (iface/identity.h). */
static bool key_known(struct apigw_rq *r, const struct sigv4_creds *c, struct fg_key_lookup *k)
{
	const struct fg_identity *id = r->a->deps.identity;
	static const char invalid[] = "The security token included in the request is invalid.";
	const char *why;

	memset(k, 0, sizeof(*k));
	k->status = FG_KEY_UNKNOWN;
	if (id != NULL)
		id->lookup_key(id->self, r->w, c->access_key, c->security_token, r->now_ms,
			       r->arena, k);
	if (k->status == FG_KEY_OK)
		return true;
	if (k->status == FG_KEY_TOKEN_EXPIRED) {
		HOP(r, "access key %s: session credentials expired (%s): 403 ExpiredToken "
		    "(aws-behavior.md §1.5)", c->access_key, k->detail ? k->detail : "");
		apigw_gateway_error(r, APIGW_GR_EXPIRED_TOKEN, 403, "ExpiredTokenException",
				    "The security token included in the request is expired", NULL);
		return false;
	}
	why = k->status == FG_KEY_UNKNOWN ? "no AWS::IAM::AccessKey (or Role SessionCredentials) "
					    "in this world has this id"
	      : k->status == FG_KEY_INACTIVE ? "the access key is Inactive"
	      : k->status == FG_KEY_TOKEN_MISSING ? "temporary credentials without "
						    "X-Amz-Security-Token"
						  : "X-Amz-Security-Token is not the session's token";
	HOP(r, "access key %s: %s%s%s: 403 (aws-behavior.md §1.5; x-amzn-ErrorType per "
	    "fidelity switch unknown-key=%s)", c->access_key, why, k->detail ? "; " : "",
	    k->detail ? k->detail : "",
	    r->a->fid.unknown_key == APIGW_UNKNOWN_KEY_UNRECOGNIZED ? "unrecognized-client"
								     : "access-denied");
	if (r->a->fid.unknown_key == APIGW_UNKNOWN_KEY_UNRECOGNIZED)
		apigw_gateway_error(r, APIGW_GR_INVALID_SIGNATURE, 403,
				    "UnrecognizedClientException", invalid, NULL);
	else
		apigw_gateway_error(r, APIGW_GR_ACCESS_DENIED, 403, "AccessDeniedException",
				    invalid, NULL);
	return false;
}

static void mismatch_trace(struct apigw_rq *r, const struct sigv4_creds *c,
			   const struct sigv4_check *chk)
{
	HOP(r, "SigV4 signature mismatch: the client signed headers [%s] with scope %s at %s; "
	    "frontgate's canonical request (from the request as it arrived, Host '%s'):\n%s\n"
	    "string to sign:\n%s\nexpected signature %s, given %s", c->signed_headers, c->scope,
	    c->timestamp, r->req->host, chk->canonical_request, chk->string_to_sign,
	    chk->expected, chk->given);
}

/*
 * An AWS_IAM method: verifies the signature and finds the caller (r->caller). False when the
 * request is refused (the answer is made).
 */
static bool authenticate(struct apigw_rq *r)
{
	struct sigv4_request rq;
	struct sigv4_policy p;
	struct sigv4_creds c;
	struct sigv4_error e;
	struct sigv4_check chk;
	struct fg_key_lookup k;

	as_arrived(r, &rq);
	sigv4_policy_apigw(&p, r->api->region);
	p.messages = msg_mode(r);
	p.crypto = r->a->sig;
	if (sigv4_parse(r->arena, &rq, &p, r->now_ms, &c, &e) != 0) {
		if (e.code == SIGV4_E_MISSING)
			HOP(r, "method authorization AWS_IAM: no Authorization header and no "
			    "X-Amz-* query signature");
		sig_refuse(r, &e);
		return false;
	}
	if (!key_known(r, &c, &k))
		return false;
	if (sigv4_verify(r->arena, &rq, &p, &c, k.secret, &chk, &e) != 0) {
		mismatch_trace(r, &c, &chk);
		apigw_gateway_error(r, APIGW_GR_INVALID_SIGNATURE, 403, e.type, e.message, NULL);
		return false;
	}
	r->caller = fg_arena_alloc(r->arena, sizeof(*r->caller));
	*r->caller = k.caller;
	r->sigv4 = c.form == SIGV4_FORM_HEADER; /* not forwarded to integrations (§1.6) */
	HOP(r, "SigV4 verified (%s form): access key %s -> %s (%s)",
	    c.form == SIGV4_FORM_QUERY ? "presigned query" : "Authorization header",
	    c.access_key, k.caller.arn, k.detail ? k.detail : "");
	return true;
}

/* ----------------------------------------------------------- policies (§2.5) */

/* arn:aws:execute-api:{region}:{account}:{api}/{stage}/{VERB}/{path} (the path as sent). */
static const char *invoke_arn(const struct apigw_rq *r, bool masked)
{
	const char *acct = r->api->account, *path = r->tg.rest ? r->tg.rest : "/";
	size_t n = strlen(acct);

	while (*path == '/')
		path++;
	return fg_arena_printf(r->arena, "arn:aws:execute-api:%s:%s%s:%s/%s/%s/%s",
			       r->api->region, masked ? "********" : "",
			       masked && n > 4 ? acct + n - 4 : acct, r->api->id, r->stage->name,
			       r->req->method, path);
}

struct keyset {
	struct policy_key k[12];
	size_t n;
};

static void key_add(struct apigw_rq *r, struct keyset *ks, const char *name, const char *v)
{
	const char **vals;

	if (v == NULL || ks->n == sizeof(ks->k) / sizeof(ks->k[0]))
		return;
	vals = fg_arena_alloc(r->arena, sizeof(*vals));
	vals[0] = v;
	ks->k[ks->n].name = name;
	ks->k[ks->n].values = vals;
	ks->k[ks->n].n = 1;
	ks->n++;
}

static void request_keys(struct apigw_rq *r, struct keyset *ks)
{
	ks->n = 0;
	key_add(r, ks, "aws:SourceIp", r->req->client_ip);
	key_add(r, ks, "aws:SourceVpce", r->src_vpce);
	key_add(r, ks, "aws:SourceVpc", r->src_vpc);
	key_add(r, ks, "aws:UserAgent", fg_http_header(r->req, "User-Agent"));
	key_add(r, ks, "aws:SecureTransport", r->req->tls_version ? "true" : "false");
	key_add(r, ks, "aws:Referer", fg_http_header(r->req, "Referer"));
	if (r->caller != NULL) {
		key_add(r, ks, "aws:PrincipalArn", r->caller->principal_arn);
		key_add(r, ks, "aws:PrincipalAccount", r->caller->account);
		key_add(r, ks, "aws:userid", r->caller->user);
		key_add(r, ks, "aws:PrincipalType", r->caller->session ? "AssumedRole" : "User");
	}
}

static void access_denied(struct apigw_rq *r, const char *suffix)
{
	const char *who = r->caller ? r->caller->arn : "anonymous";
	const char *msg = fg_arena_printf(r->arena, "User: %s is not authorized to perform: "
					  "execute-api:Invoke on resource: %s%s", who,
					  invoke_arn(r, true), suffix);
	struct fg_buf b;

	fg_buf_init(&b);
	fg_buf_puts(&b, "{\"Message\":");
	apigw_json_str(&b, msg);
	fg_buf_puts(&b, "}");
	apigw_gateway_error(r, APIGW_GR_ACCESS_DENIED, 403, "AccessDeniedException", msg,
			    fg_arena_strdup(r->arena, b.data));
	fg_buf_free(&b);
}

/* The identity policies of the caller, combined: Deny wins, then any Allow. */
static void identity_eval(struct apigw_rq *r, const struct policy_request *pr,
			  struct policy_result *out, const char **source)
{
	const struct fg_identity *id = r->a->deps.identity;
	const struct fg_identity_policy *pol = NULL;
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	out->statement = -1;
	out->explain = "no identity-based policy applies to the caller";
	*source = NULL;
	if (id != NULL && r->caller != NULL)
		pol = id->policies(id->self, r->w, r->caller->access_key, r->arena, &n);
	for (size_t i = 0; i < n; i++) {
		struct policy_result one;

		policy_evaluate(pol[i].document, POLICY_IDENTITY, pr, r->arena, &one);
		HOP(r, "identity policy %s: %s — %s", pol[i].source,
		    policy_effect_name(one.effect), one.explain);
		if (one.effect == POLICY_DENY || (one.effect == POLICY_ALLOW &&
						  out->effect != POLICY_DENY)) {
			*out = one;
			*source = pol[i].source;
		}
	}
	if (n == 0 && r->caller != NULL)
		HOP(r, "no identity-based policy is attached to %s", r->caller->arn);
}

/*
 * execute-api:Invoke on this method (§2.5): the deployment's resource policy (for every
 * method, NONE included) and, for a signed caller, its identity policies. Same account:
 * either may allow; cross account: both must; anonymous: the resource policy must; an
 * explicit Deny anywhere wins.
 */
static bool policies_allow(struct apigw_rq *r)
{
	const cJSON *rp = r->dep->policy;
	struct policy_request pr;
	struct policy_result res, idr;
	const char *idsrc = NULL;
	struct keyset ks;
	bool same, allowed;

	if (rp == NULL && r->caller == NULL)
		return true;
	request_keys(r, &ks);
	memset(&pr, 0, sizeof(pr));
	pr.action = "execute-api:Invoke";
	pr.resource = invoke_arn(r, false);
	pr.keys = ks.k;
	pr.nkeys = ks.n;
	pr.now_ms = r->now_ms;
	if (r->caller != NULL) {
		pr.caller.account = r->caller->account;
		pr.caller.arn = r->caller->arn;
		pr.caller.role_arn = r->caller->session ? r->caller->principal_arn : NULL;
	}
	memset(&res, 0, sizeof(res));
	if (rp != NULL) {
		policy_evaluate(rp, POLICY_RESOURCE, &pr, r->arena, &res);
		HOP(r, "resource policy of api %s on %s: %s — %s", r->api->id, pr.resource,
		    policy_effect_name(res.effect), res.explain);
	}
	if (r->caller != NULL)
		identity_eval(r, &pr, &idr, &idsrc);
	else
		memset(&idr, 0, sizeof(idr));
	if (res.effect == POLICY_DENY) {
		access_denied(r, r->caller ? " with an explicit deny in a resource-based policy"
					   : " with an explicit deny");
		return false;
	}
	if (idr.effect == POLICY_DENY) {
		HOP(r, "explicit deny in %s", idsrc);
		access_denied(r, " with an explicit deny in an identity-based policy");
		return false;
	}
	same = r->caller != NULL && strcmp(r->caller->account, r->api->account) == 0;
	if (r->caller == NULL)
		allowed = res.effect == POLICY_ALLOW;
	else if (rp == NULL)
		allowed = same && idr.effect == POLICY_ALLOW;
	else if (same)
		allowed = idr.effect == POLICY_ALLOW ||
			  (res.effect == POLICY_ALLOW && !res.account_principal);
	else
		allowed = idr.effect == POLICY_ALLOW && res.effect == POLICY_ALLOW;
	if (allowed) {
		HOP(r, "execute-api:Invoke allowed (%s)", r->caller == NULL ? "anonymous caller, "
		    "resource policy allows" : same ? "same account: an identity or resource "
		    "policy allows" : "cross account: identity and resource policies allow");
		return true;
	}
	HOP(r, "execute-api:Invoke not allowed: %s", r->caller == NULL
	    ? "an anonymous caller needs an Allow in the resource policy"
	    : rp == NULL && !same ? "a caller from another account needs the API's resource "
				    "policy to allow it"
	    : same ? "no identity policy allows (and the resource policy does not allow the "
		     "caller itself)"
		   : "cross account: both the identity and the resource policy must allow");
	access_denied(r, "");
	return false;
}

bool apigw_authorize(struct apigw_rq *r)
{
	if (r->m.method->auth == APIGW_AUTH_IAM && !authenticate(r))
		return false;
	return policies_allow(r);
}
