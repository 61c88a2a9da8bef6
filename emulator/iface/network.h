/*
 * iface/network.h: what other services need to know about emulated VPC resources (VPC
 * interface endpoints and the private addresses of their network interfaces), without
 * including the ec2 module (instance.c wires it).
 */
#ifndef FG_IFACE_NETWORK_H
#define FG_IFACE_NETWORK_H

#include <stdbool.h>

struct stack_world;
struct fg_arena;

struct fg_vpce {
	const char *id;            /* vpce-0123456789abcdef0 */
	const char *vpc_id;        /* vpc-... */
	const char *service_name;  /* com.amazonaws.us-east-1.execute-api */
	const char *region;
	const char *account;
	bool private_dns;          /* PrivateDnsEnabled */
	const char *const *dns_names; /* public endpoint-specific names, without zone id */
	int ndns;
	/* its network interfaces (one per subnet) and their private addresses, same order */
	const char *const *enis;
	const char *const *addresses;
	int naddr;
};

struct fg_network {
	void *self;
	/* The endpoint with this id in world w; false when none. */
	bool (*vpce_by_id)(void *self, const struct stack_world *w, const char *id,
			   struct fg_arena *a, struct fg_vpce *out);
	/* The endpoint one of whose DnsEntries names is host (case-insensitive, no port). */
	bool (*vpce_by_dns)(void *self, const struct stack_world *w, const char *host,
			    struct fg_arena *a, struct fg_vpce *out);
	/* The endpoint one of whose network interfaces has this private address ("10.0.1.23");
	 * *index = which interface. False when no interface has it. */
	bool (*vpce_by_address)(void *self, const struct stack_world *w, const char *addr,
				struct fg_arena *a, struct fg_vpce *out, int *index);
};

#endif
