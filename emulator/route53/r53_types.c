/*
 * r53_types.c: the control plane — AWS::Route53::HostedZone, RecordSet and RecordSetGroup.
 *
 * A hosted zone gets a Route 53-shaped id ("Z0" + 19 upper-case alphanumerics, deterministic,
 * pinned with Metadata.Frontgate.Id) and, when public, four awsdns name servers; its SOA and
 * NS are Route 53's (r53_records.c). A private zone (VPCs) has no NameServers attribute, as in
 * CloudFormation. RecordSet and RecordSetGroup name their zone by HostedZoneId or
 * HostedZoneName and go through the change-batch checks (r53_batch.c); what passes is kept in
 * the resource's State for the view.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route53/r53_int.h"

#define T_ZONE "AWS::Route53::HostedZone"

static const char *str_of(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool pinned(const struct stack_rctx *c)
{
	return str_of(cJSON_GetObjectItemCaseSensitive(c->metadata, "Frontgate"), "Id") != NULL;
}

/* ------------------------------------------------------------ HostedZone */

struct other_zone {
	const char *name, *vpc;
};

static bool zone_shares_vpc(const cJSON *r, const struct other_zone *q)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(r, "State"), *v;

	if (strcmp(str_of(r, "Type"), T_ZONE) != 0 || str_of(st, "Name") == NULL ||
	    strcmp(str_of(st, "Name"), q->name) != 0)
		return false;
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(st, "Vpcs"))
		if (cJSON_IsString(v) && strcmp(v->valuestring, q->vpc) == 0)
			return true;
	return false;
}

/* Another private zone with this name already associated with this VPC. */
static const char *conflicting_zone(const struct stack_rctx *c, const char *name,
				    const char *vpc)
{
	struct other_zone q = { name, vpc };
	const cJSON *doc, *r;

	cJSON_ArrayForEach(r, c->deployed)
		if (zone_shares_vpc(r, &q))
			return str_of(r, "PhysicalId");
	cJSON_ArrayForEach(doc, stack_world_stacks(c->world)) {
		if (strcmp(str_of(doc, "Name"), c->stack_name) == 0)
			continue;
		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "Resources"))
			if (zone_shares_vpc(r, &q))
				return str_of(r, "PhysicalId");
	}
	return NULL;
}

static int check_vpcs(struct stack_rctx *c, const cJSON *vpcs, const char *name,
		      struct fg_err *err)
{
	const cJSON *v;
	int i = 0;

	if (vpcs == NULL)
		return 0;
	if (!cJSON_IsArray(vpcs))
		return stack_schema_err(c, err, "VPCs", "#/VPCs: expected type: JSONArray, found: %s",
					stack_json_kind(vpcs));
	cJSON_ArrayForEach(v, vpcs) {
		const char *id = str_of(v, "VPCId"), *other;

		if (id == NULL || str_of(v, "VPCRegion") == NULL)
			return stack_schema_err(c, err, "VPCs", "#/VPCs/%d: required key [%s] not "
						"found", i, id == NULL ? "VPCId" : "VPCRegion");
		if ((other = conflicting_zone(c, name, id)) != NULL)
			return stack_handler_err(c, err, "Route53", 400, "ConflictingDomainExists",
						 "VPCs", "The VPC %s in region %s has already been "
						 "associated with the hosted zone %s with the same "
						 "domain name.", id, str_of(v, "VPCRegion"), other);
		i++;
	}
	return 0;
}

static int zone_validate(struct stack_rctx *c, const cJSON *p, struct fg_err *err)
{
	const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(p, "HostedZoneConfig");
	const char *name, *why, *comment = NULL;
	char norm[R53_NAME_MAX];

	if (stack_need_str(c, p, "Name", &name, err) != 0)
		return -1;
	if (r53_name_norm(name, norm, &why) != 0 || strcmp(norm, ".") == 0)
		return stack_handler_err(c, err, "Route53", 400, "InvalidDomainName", "Name",
					 "%s is not a valid domain name (%s)", name,
					 strcmp(norm, ".") == 0 ? "the root" : why);
	if (cfg != NULL && (!cJSON_IsObject(cfg) ||
			    stack_opt_str(c, cfg, "Comment", "HostedZoneConfig/Comment", &comment,
					  err) != 0))
		return err->status ? -1 : stack_schema_err(c, err, "HostedZoneConfig",
							   "#/HostedZoneConfig: expected type: "
							   "JSONObject, found: %s",
							   stack_json_kind(cfg));
	if (cJSON_GetObjectItemCaseSensitive(p, "QueryLoggingConfig") != NULL)
		stack_warn(c, "QueryLoggingConfig is stored; DNS query logging is not emulated");
	return check_vpcs(c, cJSON_GetObjectItemCaseSensitive(p, "VPCs"), norm, err);
}

static int zone_create(struct stack_rctx *c, const cJSON *p, char phys[256], cJSON *attrs,
		       cJSON *state, struct fg_err *err)
{
	const cJSON *vpcs = cJSON_GetObjectItemCaseSensitive(p, "VPCs"), *v;
	const char *why, *prev_name = str_of(cJSON_GetObjectItemCaseSensitive(c->previous,
									     "State"), "Name");
	const char *parts[] = { c->account, phys };
	char norm[R53_NAME_MAX], ns[4][64], id[20];
	bool priv = cJSON_GetArraySize(vpcs) > 0;
	cJSON *nsl, *vl;

	FG_ASSERT(r53_name_norm(str_of(p, "Name"), norm, &why) == 0);
	/* a new name is a new zone (CloudFormation replaces it), unless the id is pinned */
	if (!pinned(c) && (phys[0] == '\0' || prev_name == NULL || strcmp(prev_name, norm) != 0)) {
		stack_derived_id(c, norm, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 19, id);
		snprintf(phys, 256, "Z0%s", id);
	}
	r53_name_servers(fg_hash64(parts, 2), priv, ns);
	cJSON_AddStringToObject(attrs, "Id", phys);
	cJSON_AddStringToObject(state, "Name", norm);
	cJSON_AddBoolToObject(state, "Private", priv);
	vl = cJSON_AddArrayToObject(state, "Vpcs");
	cJSON_ArrayForEach(v, vpcs)
		cJSON_AddItemToArray(vl, cJSON_CreateString(str_of(v, "VPCId")));
	nsl = cJSON_AddArrayToObject(state, "NameServers");
	for (int i = 0; i < 4; i++)
		cJSON_AddItemToArray(nsl, cJSON_CreateString(ns[i]));
	if (!priv)
		cJSON_AddItemToObject(attrs, "NameServers", cJSON_Duplicate(nsl, true));
	return 0;
}

static const char *records_in(const cJSON *resources, const char *id, const char *skip_stack,
			      const char *stack)
{
	const cJSON *r;

	if (skip_stack != NULL && strcmp(stack, skip_stack) == 0)
		return NULL;
	cJSON_ArrayForEach(r, resources) {
		const char *zone = str_of(cJSON_GetObjectItemCaseSensitive(r, "State"),
					  "HostedZoneId");

		if (zone != NULL && strcmp(zone, id) == 0 &&
		    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
			    cJSON_GetObjectItemCaseSensitive(r, "State"), "Records")) > 0)
			return str_of(r, "LogicalId");
	}
	return NULL;
}

/* Route 53 refuses to delete a zone that still holds records other than its SOA and NS. */
static int zone_remove(struct stack_rctx *c, const cJSON *res, struct fg_err *err)
{
	const char *id = str_of(res, "PhysicalId"), *user = NULL, *where = c->stack_name;
	const cJSON *doc;

	user = records_in(c->deployed, id, NULL, c->stack_name);
	cJSON_ArrayForEach(doc, stack_world_stacks(c->world)) {
		if (user != NULL)
			break;
		where = str_of(doc, "Name");
		user = records_in(cJSON_GetObjectItemCaseSensitive(doc, "Resources"), id,
				  c->stack_name, where);
	}
	if (user == NULL)
		return 0;
	stack_handler_err(c, err, "Route53", 400, "HostedZoneNotEmpty", "", "The specified hosted "
			  "zone contains non-required resource record sets and so cannot be "
			  "deleted.");
	snprintf(err->message + strlen(err->message), sizeof(err->message) -
		 strlen(err->message), " Hosted zone %s still holds the records of %s (stack %s).",
		 id, user, where);
	return -1;
}

/* ------------------------------------------------ RecordSet(Group): the zone */

static bool zone_named(const cJSON *r, const char *name)
{
	const char *n = str_of(cJSON_GetObjectItemCaseSensitive(r, "State"), "Name");

	return strcmp(str_of(r, "Type"), T_ZONE) == 0 && n != NULL && strcmp(n, name) == 0;
}

static const cJSON *zone_by_name(const struct stack_rctx *c, const char *name, int *count)
{
	const cJSON *doc, *r, *found = NULL;

	*count = 0;
	cJSON_ArrayForEach(r, c->deployed)
		if (zone_named(r, name) && (*count)++ == 0)
			found = r;
	cJSON_ArrayForEach(doc, stack_world_stacks(c->world)) {
		if (strcmp(str_of(doc, "Name"), c->stack_name) == 0)
			continue;
		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "Resources"))
			if (zone_named(r, name) && (*count)++ == 0)
				found = r;
	}
	return found;
}

static int zone_of(struct stack_rctx *c, const cJSON *p, struct r53_zone_ref *z,
		   struct fg_err *err)
{
	const char *id = str_of(p, "HostedZoneId"), *name = str_of(p, "HostedZoneName"), *why;
	const cJSON *zr, *st;
	char norm[R53_NAME_MAX];
	int n = 0;

	if ((id == NULL) == (name == NULL))
		return stack_schema_err(c, err, "", "#: only one of [HostedZoneId, HostedZoneName] "
					"may be given, and one is required");
	if (id != NULL) {
		if (strncmp(id, "/hostedzone/", 12) == 0)
			id += 12;
		zr = stack_rctx_find(c, T_ZONE, id);
		if (zr == NULL)
			return stack_handler_err(c, err, "Route53", 404, "NoSuchHostedZone",
						 "HostedZoneId", "No hosted zone found with ID: %s",
						 id);
	} else {
		if (r53_name_norm(name, norm, &why) != 0 ||
		    (zr = zone_by_name(c, norm, &n)) == NULL)
			return stack_handler_err(c, err, "Route53", 404, "NoSuchHostedZone",
						 "HostedZoneName", "No hosted zone found with name %s",
						 name);
		if (n > 1)
			return stack_schema_err(c, err, "HostedZoneName", "%d hosted zones are named "
						"%s: give HostedZoneId instead (CloudFormation needs "
						"one zone)", n, norm);
	}
	st = cJSON_GetObjectItemCaseSensitive(zr, "State");
	z->id = str_of(zr, "PhysicalId");
	z->name = str_of(st, "Name");
	z->priv = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "Private"));
	if (z->name == NULL)
		return stack_schema_err(c, err, "HostedZoneId", "hosted zone %s has no State (was it "
					"restored by hand?): redeploy its stack", z->id);
	return 0;
}

/* ------------------------------------------------ RecordSet(Group): records */

static int store_records(struct stack_rctx *c, const cJSON *p, const cJSON *sets,
			 const char *where, cJSON *state, struct fg_err *err)
{
	struct fg_arena *a = fg_arena_new(16384);
	struct r53_zone_ref z;
	struct r53_rec *recs = NULL;
	cJSON *arr;
	int rc = zone_of(c, p, &z, err);

	if (rc == 0)
		rc = r53_batch_check(c, &z, sets, where, a, &recs, err);
	if (rc == 0) {
		cJSON_AddStringToObject(state, "HostedZoneId", z.id);
		arr = cJSON_AddArrayToObject(state, "Records");
		for (const struct r53_rec *r = recs; r != NULL; r = r->next)
			cJSON_AddItemToArray(arr, r53_rec_state(r));
	}
	fg_arena_destroy(&a);
	return rc;
}

static int rs_create(struct stack_rctx *c, const cJSON *p, char phys[256], cJSON *attrs,
		     cJSON *state, struct fg_err *err)
{
	cJSON *sets = cJSON_CreateArray();
	int rc;

	cJSON_AddItemReferenceToArray(sets, (cJSON *)p);
	rc = store_records(c, p, sets, "", state, err);
	cJSON_Delete(sets);
	if (rc == 0 && !pinned(c))
		snprintf(phys, 256, "%s", str_of(p, "Name"));
	return rc;
}

static int rsg_create(struct stack_rctx *c, const cJSON *p, char phys[256], cJSON *attrs,
		      cJSON *state, struct fg_err *err)
{
	const cJSON *sets = cJSON_GetObjectItemCaseSensitive(p, "RecordSets");

	if (sets == NULL)
		return stack_schema_err(c, err, "", "#: required key [RecordSets] not found");
	if (!cJSON_IsArray(sets))
		return stack_schema_err(c, err, "RecordSets", "#/RecordSets: expected type: "
					"JSONArray, found: %s", stack_json_kind(sets));
	if (store_records(c, p, sets, "RecordSets", state, err) != 0)
		return -1;
	if (phys[0] == '\0')
		stack_default_physical_id(c, phys);
	return 0;
}

static const struct stack_rtype zone_type = { T_ZONE, zone_validate, zone_create, NULL,
					      zone_remove };
static const struct stack_rtype rs_type = { "AWS::Route53::RecordSet", NULL, rs_create, NULL,
					    NULL };
static const struct stack_rtype rsg_type = { "AWS::Route53::RecordSetGroup", NULL, rsg_create,
					     NULL, NULL };

void route53_register_types(struct route53 *r, struct stack_registry *reg)
{
	stack_registry_add(reg, &zone_type, r);
	stack_registry_add(reg, &rs_type, r);
	stack_registry_add(reg, &rsg_type, r);
}
