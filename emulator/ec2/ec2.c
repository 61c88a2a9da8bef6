/*
 * ec2.c: the ec2 module as a service: its compiled view is the list of VPC endpoints of a
 * world, and the network interface (iface/network.h) answers "which endpoint is this id /
 * this DNS name / has a network interface with this address" from it.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ec2/ec2_int.h"

struct ec2_vpce_rec {
	char *id, *vpc_id, *service, *region, *account;
	bool private_dns;
	char **dns;
	int ndns;
	char **enis, **addrs;  /* network interfaces and their private addresses */
	int naddr;
};

struct ec2_view {
	struct ec2_vpce_rec *v;
	size_t n;
};

struct ec2 {
	struct fg_service svc;
	struct fg_network net;
	unsigned slot;
	bool has_slot;
};

static const char *sget(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static char *dup_s(const char *s)
{
	return strdup(s ? s : "");
}

/* Each network interface id with its address (Frontgate.PrivateIpAddresses, same order). */
static void interfaces_fill(struct ec2_vpce_rec *e, const cJSON *attrs)
{
	const cJSON *ids = cJSON_GetObjectItemCaseSensitive(attrs, "NetworkInterfaceIds");
	const cJSON *addrs = cJSON_GetObjectItemCaseSensitive(attrs,
							      "Frontgate.PrivateIpAddresses");
	int n = cJSON_GetArraySize(addrs);

	e->enis = calloc((size_t)n + 1, sizeof(char *));
	e->addrs = calloc((size_t)n + 1, sizeof(char *));
	for (int i = 0; i < n; i++) {
		const cJSON *a = cJSON_GetArrayItem(addrs, i), *id = cJSON_GetArrayItem(ids, i);

		if (!cJSON_IsString(a))
			continue;
		e->addrs[e->naddr] = dup_s(a->valuestring);
		e->enis[e->naddr++] = dup_s(cJSON_IsString(id) ? id->valuestring : "");
	}
}

static void rec_fill(struct ec2_vpce_rec *e, const cJSON *doc, const cJSON *r)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(r, "Properties");
	const cJSON *dns = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(r, "Attributes"), "DnsEntries");
	const cJSON *d;

	e->id = dup_s(sget(r, "PhysicalId"));
	e->vpc_id = dup_s(sget(p, "VpcId"));
	e->service = dup_s(sget(p, "ServiceName"));
	e->region = dup_s(sget(doc, "Region"));
	e->account = dup_s(sget(doc, "Account"));
	e->private_dns = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "PrivateDnsEnabled"));
	e->dns = calloc((size_t)cJSON_GetArraySize(dns) + 1, sizeof(char *));
	cJSON_ArrayForEach(d, dns) {
		const char *colon = cJSON_IsString(d) ? strchr(d->valuestring, ':') : NULL;

		if (colon != NULL)
			e->dns[e->ndns++] = dup_s(colon + 1);
	}
	interfaces_fill(e, cJSON_GetObjectItemCaseSensitive(r, "Attributes"));
}

static void view_free(void *p)
{
	struct ec2_view *v = p;

	if (v == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		struct ec2_vpce_rec *e = &v->v[i];

		free(e->id);
		free(e->vpc_id);
		free(e->service);
		free(e->region);
		free(e->account);
		for (int j = 0; j < e->ndns; j++)
			free(e->dns[j]);
		free(e->dns);
		for (int j = 0; j < e->naddr; j++) {
			free(e->enis[j]);
			free(e->addrs[j]);
		}
		free(e->enis);
		free(e->addrs);
	}
	free(v->v);
	free(v);
}

static void *view_compile(void *self, const struct stack_world *w, struct fg_err *err)
{
	struct ec2_view *v = calloc(1, sizeof(*v));
	const cJSON *doc, *r;
	size_t cap = 0;

	cJSON_ArrayForEach(doc, stack_world_stacks(w)) {
		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "Resources")) {
			if (strcmp(sget(r, "Type"), "AWS::EC2::VPCEndpoint") != 0)
				continue;
			if (v->n == cap) {
				cap = cap ? cap * 2 : 8;
				v->v = realloc(v->v, cap * sizeof(*v->v));
			}
			memset(&v->v[v->n], 0, sizeof(v->v[0]));
			rec_fill(&v->v[v->n++], doc, r);
		}
	}
	return v;
}

static const struct ec2_view *view_of(const struct ec2 *e, const struct stack_world *w)
{
	return w && e->has_slot ? stack_world_slot(w, e->slot) : NULL;
}

static void to_vpce(const struct ec2_vpce_rec *r, struct fg_vpce *out)
{
	out->id = r->id;
	out->vpc_id = r->vpc_id;
	out->service_name = r->service;
	out->region = r->region;
	out->account = r->account;
	out->private_dns = r->private_dns;
	out->dns_names = (const char *const *)r->dns;
	out->ndns = r->ndns;
	out->enis = (const char *const *)r->enis;
	out->addresses = (const char *const *)r->addrs;
	out->naddr = r->naddr;
}

static bool by_id(void *self, const struct stack_world *w, const char *id, struct fg_arena *a,
		  struct fg_vpce *out)
{
	const struct ec2_view *v = view_of(self, w);

	for (size_t i = 0; v && i < v->n; i++) {
		if (strcasecmp(v->v[i].id, id) == 0) {
			to_vpce(&v->v[i], out);
			return true;
		}
	}
	return false;
}

static bool by_dns(void *self, const struct stack_world *w, const char *host,
		   struct fg_arena *a, struct fg_vpce *out)
{
	const struct ec2_view *v = view_of(self, w);
	size_t n = strcspn(host, ":");

	for (size_t i = 0; v && i < v->n; i++) {
		for (int j = 0; j < v->v[i].ndns; j++) {
			const char *d = v->v[i].dns[j];

			if (d[0] != '*' && strlen(d) == n && strncasecmp(d, host, n) == 0) {
				to_vpce(&v->v[i], out);
				return true;
			}
		}
	}
	return false;
}

static bool by_address(void *self, const struct stack_world *w, const char *addr,
		       struct fg_arena *a, struct fg_vpce *out, int *index)
{
	const struct ec2_view *v = view_of(self, w);

	for (size_t i = 0; v && i < v->n; i++) {
		for (int j = 0; j < v->v[i].naddr; j++) {
			if (strcmp(v->v[i].addrs[j], addr) == 0) {
				to_vpce(&v->v[i], out);
				*index = j;
				return true;
			}
		}
	}
	return false;
}

struct ec2 *ec2_new(void)
{
	struct ec2 *e = calloc(1, sizeof(*e));

	e->svc.name = "ec2";
	e->svc.self = e;
	e->svc.compile = view_compile;
	e->svc.release = view_free;
	e->net.self = e;
	e->net.vpce_by_id = by_id;
	e->net.vpce_by_dns = by_dns;
	e->net.vpce_by_address = by_address;
	return e;
}

void ec2_destroy(struct ec2 **ep)
{
	free(*ep);
	*ep = NULL;
}

void ec2_register_types(struct ec2 *e, struct stack_registry *r)
{
	ec2_types_register(r, e);
}

const struct fg_service *ec2_service(struct ec2 *e)
{
	return &e->svc;
}

void ec2_set_slot(struct ec2 *e, unsigned slot)
{
	e->slot = slot;
	e->has_slot = true;
}

const struct fg_network *ec2_network(struct ec2 *e)
{
	return &e->net;
}
