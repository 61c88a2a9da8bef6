/*
 * cfn: the CloudFormation template language. Parsing (JSON, and YAML with the short-form
 * tags) into one cJSON tree, and evaluation: parameters, mappings, conditions, intrinsic
 * functions, pseudo parameters, the dependency order of resources, and outputs/exports.
 *
 * Pure: no I/O, no store, no knowledge of resource types. What a resource's Ref or GetAtt
 * returns, and what another stack exports, come in through callbacks that the deployer
 * (stack/) supplies.
 *
 * Errors follow CloudFormation's wording where it has one (ValidationError, "Template format
 * error: ...", "Unresolved resource dependencies [X] in the Resources block of the template",
 * "Circular dependency between resources: [A, B]", "Parameters: [X] must have values", ...),
 * with status 400 and fg_err.resource / fg_err.property naming the offending node
 * ("Resources.Api.Properties.Name", "Parameters.Env", "Conditions.IsProd", "Outputs.Url").
 */
#ifndef FG_CFN_H
#define FG_CFN_H

#include <cjson/cJSON.h>

#include "core/core.h"

/* --------------------------------------------------------------- cfn_parse.c */

enum cfn_format { CFN_FORMAT_AUTO, CFN_FORMAT_JSON, CFN_FORMAT_YAML };

/*
 * Parses a template. AUTO picks JSON when the first non-blank character is '{', else YAML.
 * YAML short tags become the long form: `!Ref X` -> {"Ref":"X"}, `!GetAtt A.B` ->
 * {"Fn::GetAtt":["A","B"]}, `!Condition C` -> {"Condition":"C"}, `!Sub`, `!Join`, `!Select`,
 * `!Split`, `!If`, `!Equals`, `!Not`, `!And`, `!Or`, `!FindInMap`, `!ImportValue`, `!Base64`,
 * `!Cidr`, `!GetAZs` -> {"Fn::<Name>": <value>}. Plain YAML scalars become null/bool/number
 * where unambiguous (a number only when it round-trips exactly: "0123" and "012345678901"
 * stay strings); quoted scalars are always strings.
 * Syntax errors: status 400, code "ValidationError", message
 * "Template format error: YAML not well-formed. (line L, column C): <reason>" (or "JSON").
 * Returns a new tree (caller frees with cJSON_Delete) or NULL with err set.
 */
cJSON *cfn_parse(const char *text, size_t len, enum cfn_format fmt, struct fg_err *err);

/* ---------------------------------------------------------------- cfn_eval.c */

/*
 * Resolves Ref (attr == NULL) or Fn::GetAtt (attr != NULL) on a resource of the stack being
 * deployed. Called only for logical ids that come earlier in the dependency order. Returns 0
 * and a new value in *out, or -1 with err set (unknown attribute, ...).
 */
typedef int (*cfn_resolve_f)(void *arg, const char *logical_id, const char *attr, cJSON **out,
			     struct fg_err *err);
/* Resolves Fn::ImportValue: 0 and a new value, or -1 with err set (no such export). */
typedef int (*cfn_import_f)(void *arg, const char *export_name, cJSON **out, struct fg_err *err);

struct cfn_stack {
	/* ---- inputs, set by the caller before cfn_prepare ---- */
	const cJSON *template;      /* borrowed, parsed template */
	const char *stack_name;
	const char *stack_id;       /* arn:aws:cloudformation:{region}:{account}:stack/{name}/{uuid} */
	const char *account;
	const char *region;
	const char *partition;      /* "aws" */
	const char *url_suffix;     /* "amazonaws.com" */
	const cJSON *param_values;  /* borrowed object: name -> string (or number/bool); may be NULL */
	cfn_resolve_f resolve;
	void *resolve_arg;
	cfn_import_f import;        /* may be NULL: then every ImportValue fails */
	void *import_arg;

	/* ---- outputs of cfn_prepare, owned by the stack (freed by cfn_stack_fini) ---- */
	cJSON *params;       /* name -> resolved value: string, number-as-string, or array of
			      * strings for List<...> and CommaDelimitedList */
	cJSON *no_echo;      /* array of the names of NoEcho parameters */
	cJSON *conditions;   /* name -> true/false */
	cJSON *warnings;     /* array of strings: things accepted but not emulated */
	char **order;        /* logical ids whose Condition holds, in dependency order */
	size_t norder;
	struct cfn_priv *priv; /* cfn_eval.c's indexes; not for callers */
};

/*
 * Checks the template's shape (known top-level sections; Resources present, each with a
 * string Type; Transform is refused as not emulated), resolves parameter values against
 * their declarations (Type, Default, AllowedValues, AllowedPattern, Min/MaxLength,
 * Min/MaxValue; unknown names given and required names missing are errors), evaluates every
 * condition, and orders the resources so each comes after everything it references (Ref,
 * Fn::GetAtt, Fn::Sub ${X} / ${X.Attr}, DependsOn). A reference to an unknown logical id, or a
 * cycle, is an error that names them. Resources whose Condition is false are left out.
 * Returns 0, or -1 with err set. Call cfn_stack_fini in both cases.
 */
int cfn_prepare(struct cfn_stack *s, struct fg_err *err);

/*
 * Evaluates every intrinsic function in node (Ref, Fn::GetAtt, Fn::Sub with ${Param},
 * ${Res}, ${Res.Attr}, ${AWS::Region} and ${!Literal}, Fn::Join, Fn::Select, Fn::Split,
 * Fn::If, Fn::Equals, Fn::Not, Fn::And, Fn::Or, Fn::FindInMap, Fn::ImportValue, Fn::Base64,
 * Fn::Cidr, Fn::GetAZs, Condition) and pseudo parameters (AWS::AccountId, AWS::Region,
 * AWS::StackName, AWS::StackId, AWS::Partition, AWS::URLSuffix, AWS::NotificationARNs,
 * AWS::NoValue). AWS::NoValue removes the enclosing key or list element. path names node in
 * errors ("Resources.Api.Properties"). Returns a new tree, or NULL with err set.
 */
cJSON *cfn_eval(struct cfn_stack *s, const cJSON *node, const char *path, struct fg_err *err);

/*
 * Evaluates the Outputs section (skipping outputs whose Condition is false) after all
 * resources are resolvable: *outputs = {name: string value}, *exports = {export name: string
 * value}. Returns 0, or -1 with err set (a duplicate export name within the stack is an error).
 */
int cfn_outputs(struct cfn_stack *s, cJSON **outputs, cJSON **exports, struct fg_err *err);

void cfn_stack_fini(struct cfn_stack *s);

#endif
