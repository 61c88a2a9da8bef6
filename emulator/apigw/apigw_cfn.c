/*
 * apigw_cfn.c: what the CloudFormation types of the apigw module share — deterministic ids,
 * and walking an API's resources across stacks. (Error shapes and typed property readers
 * common to every service are in stack/stack_schema.c.)
 */
#include "apigw/apigw_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The physical id: pinned (already in phys), kept (update), or derived from the identity. */
void apigw_derive_id(const struct stack_rctx *c, const char *salt, size_t n, char phys[256])
{
	if (phys[0] == '\0')
		stack_derived_id(c, salt, APIGW_ID_ALPHABET, n, phys);
}

/*
 * Calls f on every deployed resource of this type whose RestApiId is api_id: this stack's
 * resources deployed so far in this change, then the other stacks' (this stack's previous
 * version is being replaced). f returns true to stop; the resource it stopped on is returned.
 */
const cJSON *apigw_visit_api(const struct stack_rctx *c, const char *type, const char *api_id,
			     apigw_visit_f f, void *arg)
{
	return stack_rctx_each(c, type, "RestApiId", api_id, f, arg);
}

/* The RestApi a resource names, or the AWS NotFound error. */
const cJSON *apigw_find_api(const struct stack_rctx *c, const cJSON *props,
			    struct fg_err *err)
{
	const char *id = NULL;
	const cJSON *api;

	if (stack_need_str(c, props, "RestApiId", &id, err) != 0)
		return NULL;
	api = stack_rctx_find(c, "AWS::ApiGateway::RestApi", id);
	if (api == NULL)
		apigw_handler_err(c, err, 404, "NotFoundException", "RestApiId",
				  "Invalid API identifier specified %s:%s", c->account, id);
	return api;
}

