/*
 * cloudfront: the CloudFront service — AWS::CloudFront::Distribution, CachePolicy,
 * OriginRequestPolicy, ResponseHeadersPolicy and VpcOrigin (control plane), and the
 * distributions' data plane: the viewer side (Host -> distribution, viewer protocol policy,
 * methods, CloudFront's own error pages and headers), behaviour selection, the origin request
 * built the way CloudFront builds it, the cache on frontgate's clock, and the viewer response.
 * Reference: ../shared/aws-behavior.md §5 and §6.
 *
 * It includes no other service. Origins whose names belong to emulated endpoints (API
 * Gateway, another distribution, ...) are entered in-process through iface/dispatch.h after
 * the name is resolved through iface/resolve.h (Route 53's view); other origins are fetched
 * over the network with libcurl.
 */
#ifndef FG_CLOUDFRONT_H
#define FG_CLOUDFRONT_H

#include "core/core.h"
#include "iface/dispatch.h"
#include "iface/resolve.h"
#include "main/service.h"
#include "stack/stack.h"

struct cloudfront;

struct cloudfront_deps {
	struct fg_clock *clock;
	struct fg_log *log;
	const struct fg_resolver *resolver; /* origin names; NULL: every origin over the network */
	const struct fg_dispatch *dispatch; /* emulated origins; NULL: none are in-process */
};

struct cloudfront *cloudfront_new(const struct cloudfront_deps *deps);
/* Sets the resolver and the dispatcher after creation (they may belong to services created
 * later); borrowed. Call before serving. */
void cloudfront_set_links(struct cloudfront *cf, const struct fg_resolver *resolver,
			  const struct fg_dispatch *dispatch);
void cloudfront_destroy(struct cloudfront **cp);
/*
 * Sets fidelity switches from "key=value[,key=value...]" (README, "CloudFront", fidelity
 * switches): other-headers=drop|forward, authorization-whitelist=refuse|allow,
 * cache-mib=N. An unknown key or value is an error and changes nothing. Call before serving.
 */
int cloudfront_set_fidelity(struct cloudfront *cf, const char *spec, struct fg_err *err);
/* Tells the module which world slot holds its view (from fg_app_add_service). */
void cloudfront_set_slot(struct cloudfront *cf, unsigned slot);
/* Registers AWS::CloudFront::Distribution, CachePolicy, OriginRequestPolicy,
 * ResponseHeadersPolicy and VpcOrigin. */
void cloudfront_register_types(struct cloudfront *cf, struct stack_registry *r);
/*
 * The service for the front router (borrowed from cf). It claims the distributions' names
 * (dxxx.cloudfront.net and aliases); add it before services whose names a distribution's
 * alias may shadow (API Gateway custom domains), as DNS would send those names to CloudFront.
 */
const struct fg_service *cloudfront_service(struct cloudfront *cf);
/*
 * A second, view-less service that claims every other name under cloudfront.net and answers
 * CloudFront's 403 "Bad request." page (§5.1, §5.4). Add it after every service that owns
 * names under cloudfront.net (API Gateway's EDGE targets).
 */
const struct fg_service *cloudfront_unknown_service(struct cloudfront *cf);

/* Cache entries, bytes held, hits and misses since start; requests waiting for a concurrent
 * miss on their key now, and requests collapsed so since start (the benchmark, tests). */
struct cloudfront_cache_stats {
	size_t entries, bytes, limit;
	uint64_t hits, misses;
	unsigned waiting;
	uint64_t collapsed;
};
void cloudfront_cache_stats(struct cloudfront *cf, struct cloudfront_cache_stats *out);
/*
 * POST /distributions/{id}/invalidations (control API): body {"Paths": ["/a", "/img/x*"]} or
 * CloudFront's {"InvalidationBatch": {"Paths": {"Items": [...]}, "CallerReference": "..."}}.
 * Paths start with '/', '*' only last (§6.9); the matching cached objects are purged at once.
 * Returns the invalidation {"Id","Status":"Completed","CreateTime","InvalidationBatch",
 * "Purged"} (new tree), or NULL with err (404 NoSuchDistribution, 400 InvalidArgument).
 */
cJSON *cloudfront_invalidate(struct cloudfront *cf, const struct stack_world *w, const char *id,
			     const cJSON *body, int64_t now_ms, struct fg_err *err);
/* GET: {"InvalidationList": {"Quantity", "Items": [...]}} newest first, or NULL with err. */
cJSON *cloudfront_invalidations(struct cloudfront *cf, const struct stack_world *w,
				const char *id, struct fg_err *err);

#endif
