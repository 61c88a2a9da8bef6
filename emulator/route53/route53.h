/*
 * route53: Route 53 hosted zones and record sets, and the resolver that answers from them.
 *
 * Control plane: AWS::Route53::HostedZone (public, or private with VPCs; SOA and NS created as
 * Route 53 creates them), AWS::Route53::RecordSet and AWS::Route53::RecordSetGroup, checked
 * as Route 53 checks a change batch, with its messages (../shared/aws-behavior.md §7.1).
 *
 * Data plane: no HTTP front. Each world gets a compiled view (zones, name tables, the names
 * of emulated endpoints read from the world's resource documents) and iface/resolve.h answers
 * from it: authoritative answers, CNAME chains inside frontgate's zones, wildcards, NXDOMAIN
 * vs NODATA with the SOA, private zones only for resolutions made inside their VPC, and the
 * chain of steps that produced the answer. The DNS wire format lives in dns/, not here.
 *
 * It includes no other service: endpoint names come from resource documents.
 */
#ifndef FG_ROUTE53_H
#define FG_ROUTE53_H

#include "core/core.h"
#include "iface/resolve.h"
#include "main/service.h"
#include "stack/stack.h"

struct route53;

struct route53_deps {
	struct fg_log *log;
	const char *region;   /* the default region: latency records answer for it (copied) */
};

struct route53 *route53_new(const struct route53_deps *deps);
void route53_destroy(struct route53 **rp);
/* Registers AWS::Route53::HostedZone, RecordSet and RecordSetGroup. */
void route53_register_types(struct route53 *r, struct stack_registry *reg);
/* The service (compile/release only: Route 53 has no HTTP front). Borrowed from r. */
const struct fg_service *route53_service(struct route53 *r);
/* Tells the module which world slot holds its view (from fg_app_add_service). */
void route53_set_slot(struct route53 *r, unsigned slot);
/*
 * The addresses alias records and endpoint names answer with: the emulator's HTTP listener.
 * Either may be NULL; that family then answers NODATA. Copied; call before serving.
 */
void route53_set_addresses(struct route53 *r, const char *ipv4, const char *ipv6);
/* The resolver for in-process users and the DNS listener (borrowed from r). */
const struct fg_resolver *route53_resolver(struct route53 *r);

#endif
