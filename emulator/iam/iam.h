/*
 * iam: the IAM service — AWS::IAM::User, Group, UserToGroupAddition, AccessKey, Role,
 * Policy and ManagedPolicy with IAM's validation and AWS-shaped ids, and a compiled view per
 * world that answers "whose access key is this, with which secret, and which identity
 * policies apply to that caller" (iface/identity.h). IAM has no data-plane front of its own.
 *
 * Other services reach it only through iface/identity.h (iam_identity); policy documents are
 * validated and evaluated with the policy library (policy/policy.h).
 */
#ifndef FG_IAM_H
#define FG_IAM_H

#include "core/core.h"
#include "iface/identity.h"
#include "main/service.h"
#include "stack/stack.h"

struct iam;

struct iam_deps {
	struct fg_log *log;
};

struct iam *iam_new(const struct iam_deps *deps);
void iam_destroy(struct iam **ip);
/* Registers AWS::IAM::User, Group, UserToGroupAddition, AccessKey, Role, Policy,
 * ManagedPolicy. */
void iam_register_types(struct iam *i, struct stack_registry *r);
/* The service (compile/release only: IAM has no data-plane front). */
const struct fg_service *iam_service(struct iam *i);
/* Tells the module which world slot holds its view (from fg_app_add_service). */
void iam_set_slot(struct iam *i, unsigned slot);
/* The identity interface for other services (borrowed from i). */
const struct fg_identity *iam_identity(struct iam *i);

#endif
