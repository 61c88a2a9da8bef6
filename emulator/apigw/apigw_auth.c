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
