/*
 * apigw: the API Gateway REST API service — its CloudFormation resource types (control
 * plane) and the execute-api data plane (host and stage resolution, resource matching, the
 * error catalogue, integrations). Reference: ../shared/aws-behavior.md §1 and §3.
 *
 * It includes no other service: Lambda functions are invoked through iface/invoke.h.
 */
#ifndef FG_APIGW_H
#define FG_APIGW_H

#include "core/core.h"
#include "iface/invoke.h"
#include "iface/identity.h"
#include "iface/network.h"
#include "main/service.h"
#include "stack/stack.h"

struct apigw;

struct apigw_deps {
	struct fg_clock *clock;
	struct fg_log *log;
	const struct fg_invoker *invoker; /* may be NULL: AWS_PROXY then answers as AWS does for
					   * an integration it cannot call */
	const struct fg_network *network; /* VPC endpoints (private APIs); may be NULL */
	const struct fg_identity *identity; /* IAM keys and policies; NULL: every key unknown */
};

struct apigw *apigw_new(const struct apigw_deps *deps);
/*
 * Sets fidelity switches from "key=value[,key=value...]" (README, "Fidelity switches"):
 * unknown-api=forbidden|not-found, signature-messages=redacted|classic, sni-mismatch=421|403.
 * An unknown key or value is an error and changes nothing. Call before serving.
 */
int apigw_set_fidelity(struct apigw *a, const char *spec, struct fg_err *err);
void apigw_destroy(struct apigw **ap);
/* Registers AWS::ApiGateway::* types (and AWS::ApiGatewayV2::ApiMapping). */
void apigw_register_types(struct apigw *a, struct stack_registry *r);
/* The service to add to the app (borrowed from a). */
const struct fg_service *apigw_service(struct apigw *a);

#endif
