/*
 * elb: Elastic Load Balancing v2 — AWS::ElasticLoadBalancingV2::LoadBalancer, Listener,
 * TargetGroup, ListenerRule and ListenerCertificate (control plane, with ELB's validation
 * messages), and Application Load Balancers' data plane: the listener on the port the
 * connection was made to, its rules in priority order (path-pattern, host-header, http-header,
 * http-request-method, query-string, source-ip), the actions forward / fixed-response /
 * redirect, and delivery to IP targets. An IP target that is the private address of a VPC
 * interface endpoint's network interface (iface/network.h) is entered in-process through
 * iface/dispatch.h as a connection to that endpoint, with the request marked as arriving
 * through it (req->via_vpce / via_vpc); the Host header passes through as ALBs pass it. Errors
 * are the load balancer's own pages (Server: awselb/2.0).
 *
 * It includes no other service: the endpoint's addresses come from EC2 through
 * iface/network.h, connections to other endpoints go through iface/dispatch.h (instance.c
 * wires both).
 */
#ifndef FG_ELB_H
#define FG_ELB_H

#include "core/core.h"
#include "iface/dispatch.h"
#include "iface/network.h"
#include "main/service.h"
#include "stack/stack.h"

struct elb;

struct elb_deps {
	struct fg_clock *clock;             /* X-Amzn-Trace-Id's time */
	struct fg_log *log;
	const struct fg_network *network;   /* VPC endpoints' addresses; NULL: none */
	const struct fg_dispatch *dispatch; /* in-process connections; NULL: none */
};

struct elb *elb_new(const struct elb_deps *deps);
void elb_destroy(struct elb **ep);
/* Sets the network view and the dispatcher after creation (they may be wired later);
 * borrowed. Call before serving. */
void elb_set_links(struct elb *e, const struct fg_network *network,
		   const struct fg_dispatch *dispatch);
/* Registers the AWS::ElasticLoadBalancingV2::* types. */
void elb_register_types(struct elb *e, struct stack_registry *r);
/* The service for the front router (borrowed from e): it claims the load balancers' DNS names
 * (and their dualstack. forms) and tells which ports they listen on. */
const struct fg_service *elb_service(struct elb *e);
/* Tells the module which world slot holds its view (from fg_app_add_service). */
void elb_set_slot(struct elb *e, unsigned slot);

#endif
