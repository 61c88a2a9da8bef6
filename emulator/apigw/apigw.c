/*
 * apigw.c: the API Gateway service object. It owns the fidelity switches (set from the
 * command line's --fidelity apigw.K=V), registers the resource types and exposes the
 * fg_service whose compile/claim/serve live in apigw_view.c and apigw_req.c.
 */
#include "apigw/apigw_priv.h"
#include "sigv4/sigv4.h"

#include <stdlib.h>
#include <string.h>

void apigw_fidelity_default(struct apigw_fidelity *f)
{
	f->unknown_api = APIGW_UNKNOWN_API_FORBIDDEN;
	f->sig_messages = APIGW_SIG_REDACTED;
	f->sni_mismatch = APIGW_SNI_MISMATCH_421;
	f->unknown_key = APIGW_UNKNOWN_KEY_ACCESS_DENIED;
}

static int set_switch(struct apigw_fidelity *f, const char *k, size_t kn, const char *v,
		      size_t vn, struct fg_err *err)
{
#define IS(s, n, lit) ((n) == strlen(lit) && strncmp((s), (lit), (n)) == 0)
	if (IS(k, kn, "unknown-api") && IS(v, vn, "forbidden"))
		f->unknown_api = APIGW_UNKNOWN_API_FORBIDDEN;
	else if (IS(k, kn, "unknown-api") && IS(v, vn, "not-found"))
		f->unknown_api = APIGW_UNKNOWN_API_NOT_FOUND;
	else if (IS(k, kn, "signature-messages") && IS(v, vn, "redacted"))
		f->sig_messages = APIGW_SIG_REDACTED;
	else if (IS(k, kn, "signature-messages") && IS(v, vn, "classic"))
		f->sig_messages = APIGW_SIG_CLASSIC;
	else if (IS(k, kn, "sni-mismatch") && IS(v, vn, "421"))
		f->sni_mismatch = APIGW_SNI_MISMATCH_421;
	else if (IS(k, kn, "sni-mismatch") && IS(v, vn, "403"))
		f->sni_mismatch = APIGW_SNI_MISMATCH_403;
	else if (IS(k, kn, "unknown-key") && IS(v, vn, "access-denied"))
		f->unknown_key = APIGW_UNKNOWN_KEY_ACCESS_DENIED;
	else if (IS(k, kn, "unknown-key") && IS(v, vn, "unrecognized-client"))
		f->unknown_key = APIGW_UNKNOWN_KEY_UNRECOGNIZED;
	else {
		fg_err_set(err, 400, "InvalidArgument",
			   "API Gateway fidelity switch '%.*s=%.*s' is not one of "
			   "unknown-api=forbidden|not-found, signature-messages=redacted|classic, "
			   "sni-mismatch=421|403, unknown-key=access-denied|unrecognized-client",
			   (int)kn, k, (int)vn, v);
		return -1;
	}
#undef IS
	return 0;
}

static int switch_cb(void *ctx, const char *k, size_t kn, const char *v, size_t vn,
		     struct fg_err *err)
{
	return set_switch(ctx, k, kn, v, vn, err);
}

int apigw_fidelity_parse(struct apigw_fidelity *f, const char *spec, struct fg_err *err)
{
	struct apigw_fidelity next = *f;

	if (fg_switches_each("API Gateway", spec, switch_cb, &next, err) != 0)
		return -1;
	*f = next;
	return 0;
}

struct apigw *apigw_new(const struct apigw_deps *deps)
{
	struct apigw *a = calloc(1, sizeof(*a));

	FG_ASSERT(a != NULL);
	a->deps = *deps;
	apigw_fidelity_default(&a->fid);
	a->usage = apigw_usage_new();
	a->svc.name = "apigw";
	a->svc.self = a;
	a->svc.compile = apigw_view_compile;
	a->svc.release = apigw_view_release;
	a->svc.claim = apigw_claim;
	a->svc.listens = apigw_listens;
	a->svc.serve = apigw_serve;
	/* the default execute-api names and the custom domains' names */
	a->svc.tls_sites = apigw_tls_sites;
	a->sig = sigv4_crypto_new();
	return a;
}

int apigw_set_fidelity(struct apigw *a, const char *spec, struct fg_err *err)
{
	return apigw_fidelity_parse(&a->fid, spec, err);
}

void apigw_destroy(struct apigw **ap)
{
	if (*ap == NULL)
		return;
	apigw_usage_destroy(&(*ap)->usage);
	sigv4_crypto_free(&(*ap)->sig);
	free(*ap);
	*ap = NULL;
}

void apigw_register_types(struct apigw *a, struct stack_registry *r)
{
	apigw_types_register(a, r);
	apigw_keys_register(a, r);
	apigw_domain_types_register(a, r);
}

const struct fg_service *apigw_service(struct apigw *a)
{
	return &a->svc;
}
