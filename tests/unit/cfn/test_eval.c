/*
 * Unit tests for cfn_eval.c: template shape checks, parameters, pseudo parameters,
 * conditions, every intrinsic function (happy path and errors, with the exact message and
 * property path), dependency order (including 10,000 chained resources), outputs and
 * exports. Templates are written as JSON with single quotes (turned into double quotes
 * before cJSON_Parse) so they stay readable here.
 */
#include "cfn/cfn.h"
#include "tap.h"

#include <stdlib.h>
#include <time.h>

/* ------------------------------------------------------------------ fixture */

struct fx {
	struct cfn_stack s;
	cJSON *tmpl, *params;
	struct fg_err err;
	char *last;  /* the text the last helper call returned */
};

/* Ref -> "phys-<id>", GetAtt -> "<id>.<attr>", GetAtt List -> ["x","y"], GetAtt Nope fails. */
static int test_resolve(void *arg, const char *id, const char *attr, cJSON **out,
			struct fg_err *err)
{
	char buf[512];

	(void)arg;
	if (attr != NULL && strcmp(attr, "Nope") == 0) {
		fg_err_set(err, 400, "ValidationError", "Template error: resource %s does not "
			   "support attribute type Nope in Fn::GetAtt", id);
		return -1;
	}
	if (attr != NULL && strcmp(attr, "List") == 0) {
		*out = cJSON_CreateArray();
		cJSON_AddItemToArray(*out, cJSON_CreateString("x"));
		cJSON_AddItemToArray(*out, cJSON_CreateString("y"));
		return 0;
	}
	if (attr == NULL)
		snprintf(buf, sizeof(buf), "phys-%s", id);
	else
		snprintf(buf, sizeof(buf), "%s.%s", id, attr);
	*out = cJSON_CreateString(buf);
	return 0;
}

/* Every export exists as "exported-<name>" except "Missing". */
static int test_import(void *arg, const char *name, cJSON **out, struct fg_err *err)
{
	char buf[512];

	(void)arg;
	if (strcmp(name, "Missing") == 0) {
		fg_err_set(err, 400, "ValidationError", "No export named %s found", name);
		return -1;
	}
	snprintf(buf, sizeof(buf), "exported-%s", name);
	*out = cJSON_CreateString(buf);
	return 0;
}

/* Parses JSON written with single quotes. */
#include "json.h"

static const char *fx_keep(struct fx *f, char *text)
{
	free(f->last);
	f->last = text;
	return text;
}

static const char *fx_errtext(struct fx *f)
{
	size_t n = strlen(f->err.property) + strlen(f->err.message) + 16;
	char *t = malloc(n);

	snprintf(t, n, "ERR %s: %s", f->err.property, f->err.message);
	return fx_keep(f, t);
}

/* Prepares tmpl with the given parameter values: "OK" or "ERR <property>: <message>". */
static const char *fx_prep(struct fx *f, const char *tmpl, const char *params)
{
	memset(f, 0, sizeof(*f));
	f->tmpl = J(tmpl);
	f->params = params ? J(params) : NULL;
	f->s.template = f->tmpl;
	f->s.stack_name = "teststack";
	f->s.stack_id = "arn:aws:cloudformation:us-east-1:123456789012:stack/teststack/uuid-1";
	f->s.account = "123456789012";
	f->s.region = "us-east-1";
	f->s.partition = "aws";
	f->s.url_suffix = "amazonaws.com";
	f->s.param_values = f->params;
	f->s.resolve = test_resolve;
	f->s.import = test_import;
	fg_err_clear(&f->err);
	if (cfn_prepare(&f->s, &f->err) < 0)
		return fx_errtext(f);
	return "OK";
}

/* Evaluates node: its JSON text, or "ERR <property>: <message>". */
static const char *fx_eval(struct fx *f, const char *node, const char *path)
{
	cJSON *n = J(node), *v;

	fg_err_clear(&f->err);
	v = cfn_eval(&f->s, n, path, &f->err);
	cJSON_Delete(n);
	if (v == NULL)
		return fx_errtext(f);
	fx_keep(f, cJSON_PrintUnformatted(v));
	cJSON_Delete(v);
	return f->last;
}

static const char *fx_order(struct fx *f)
{
	struct fg_buf b;

	fg_buf_init(&b);
	fg_buf_puts(&b, "");
	for (size_t i = 0; i < f->s.norder; i++)
		fg_buf_printf(&b, "%s%s", i ? "," : "", f->s.order[i]);
	return fx_keep(f, fg_buf_take(&b));
}

static const char *fx_json(struct fx *f, const cJSON *v)
{
	return fx_keep(f, v ? cJSON_PrintUnformatted(v) : strdup("(null)"));
}

static void fx_done(struct fx *f)
{
	cfn_stack_fini(&f->s);
	cJSON_Delete(f->tmpl);
	cJSON_Delete(f->params);
	free(f->last);
	f->last = NULL;
}

static void prep_is(const char *tmpl, const char *params, const char *want, const char *name)
{
	struct fx f;

	is_str(fx_prep(&f, tmpl, params), want, "%s", name);
	fx_done(&f);
}

/* A template with parameters, a mapping, conditions and three resources (one conditional). */
static const char base_tmpl[] =
	"{'AWSTemplateFormatVersion': '2010-09-09', 'Description': 'eval tests',"
	" 'Parameters': {"
	"  'Env': {'Type': 'String', 'Default': 'prod', 'AllowedValues': ['dev', 'prod']},"
	"  'Subnets': {'Type': 'CommaDelimitedList', 'Default': 'a, b ,c'},"
	"  'Count': {'Type': 'Number', 'Default': 3},"
	"  'Secret': {'Type': 'String', 'Default': 'x', 'NoEcho': true}},"
	" 'Mappings': {'RegionMap': {'us-east-1': {'Ami': 'ami-1', 'Zones': ['z1', 'z2']}}},"
	" 'Conditions': {"
	"  'IsProd': {'Fn::Equals': [{'Ref': 'Env'}, 'prod']},"
	"  'IsDev': {'Fn::Not': [{'Condition': 'IsProd'}]},"
	"  'Both': {'Fn::And': [{'Condition': 'IsProd'}, {'Fn::Equals': [3, {'Ref': 'Count'}]}]},"
	"  'Either': {'Fn::Or': [{'Condition': 'IsDev'}, {'Condition': 'Both'}]}},"
	" 'Resources': {"
	"  'Bucket': {'Type': 'AWS::S3::Bucket'},"
	"  'Api': {'Type': 'AWS::ApiGateway::RestApi', 'Properties': {'Name': {'Ref': 'Bucket'}}},"
	"  'DevOnly': {'Type': 'AWS::S3::Bucket', 'Condition': 'IsDev'}}}";

#define PROPS "Resources.Api.Properties"
#define E(node) fx_eval(&f, node, PROPS)

/* --------------------------------------------------------------- template shape */

static void test_shape(void)
{
	struct fx f;

	prep_is("{'Description': 'x'}", NULL,
		"ERR Resources: Template format error: At least one Resources member must be "
		"defined.", "Resources is required");
	prep_is("['not', 'an', 'object']", NULL, "ERR : Template format error: the template must "
		"be a JSON or YAML object of sections", "the template must be an object");
	prep_is("{'Resources': {}}", NULL, "ERR Resources: Template format error: At least one "
		"Resources member must be defined.", "Resources must not be empty");
	prep_is("{'Foo': 1, 'Resources': {'A': {'Type': 'T'}}, 'Bar': 2}", NULL,
		"ERR Foo: Template format error: Invalid template property or properties [Foo, Bar]",
		"unknown top-level keys are listed in template order");
	prep_is("{'Transform': 'AWS::Serverless-2016-10-31', 'Resources': {'A': {'Type': 'T'}}}",
		NULL, "ERR Transform: Transform AWS::Serverless-2016-10-31 is not emulated: deploy "
		"the processed template instead", "Transform is refused");
	prep_is("{'AWSTemplateFormatVersion': '2011-01-01', 'Resources': {'A': {'Type': 'T'}}}",
		NULL, "ERR AWSTemplateFormatVersion: Template format error: '2011-01-01' is not a "
		"valid AWSTemplateFormatVersion: the only valid value is 2010-09-09",
		"unknown format version");
	prep_is("{'Resources': {'A': {'Properties': {}}}}", NULL,
		"ERR Resources.A: Template format error: [/Resources/A] Every Resources object must "
		"contain a Type member.", "resource without Type");
	prep_is("{'Resources': {'A': 'x'}}", NULL,
		"ERR Resources.A: Template format error: [/Resources/A] Every Resources object must "
		"contain a Type member.", "resource that is not an object");
	prep_is("{'Resources': {'A': {'Type': 'T', 'Foo': 1}}}", NULL,
		"ERR Resources.A.Foo: Invalid template resource property 'Foo'",
		"unknown resource attribute");
	prep_is("{'Resources': {'my-res': {'Type': 'T'}}}", NULL,
		"ERR Resources.my-res: Template format error: Resource name my-res is non "
		"alphanumeric.", "logical ids must be alphanumeric");

	is_str(fx_prep(&f, "{'Rules': {}, 'Metadata': {'a': 1}, 'Resources': {'A': {'Type': "
		       "'T', 'DeletionPolicy': 'Retain', 'Metadata': {}}}}", NULL), "OK",
	       "Rules, Metadata and resource policies are accepted");
	is_str(fx_json(&f, f.s.warnings), "[\"Rules are not evaluated (not emulated)\"]",
	       "Rules leave a warning");
	fx_done(&f);

	fx_prep(&f, "{'Resources': {'Api': {'Type': 'T', 'Foo': 1}}}", NULL);
	is_str(f.err.resource, "Api", "errors name the resource in fg_err.resource");
	is_int(f.err.status, 400, "errors have status 400");
	is_str(f.err.code, "ValidationError", "errors have code ValidationError");
	is_str(fx_eval(&f, "{'Ref': 'AWS::Region'}", PROPS),
	       "ERR Resources.Api.Properties: the stack's template was not prepared (cfn_prepare "
	       "must succeed first)", "cfn_eval refuses to run after a failed prepare");
	fx_done(&f);
}

/* ------------------------------------------------------------------ parameters */

static void test_params(void)
{
	static const char t[] =
		"{'Parameters': {'A': {'Type': 'String'}, 'B': {'Type': 'Number'},"
		" 'C': {'Type': 'String', 'Default': 'c'}}, 'Resources': {'R': {'Type': 'T'}}}";
	struct fx f;

	prep_is(t, "{'A': 'a', 'B': 1, 'Foo': 1, 'Bar': 2}",
		"ERR Parameters.Foo: Parameters: [Foo, Bar] do not exist in the template",
		"unknown parameter values are listed in the order given");
	prep_is(t, "{}", "ERR Parameters.A: Parameters: [A, B] must have values",
		"parameters without value or Default are listed");
	prep_is("{'Parameters': {'X': {'Default': 'a'}}, 'Resources': {'R': {'Type': 'T'}}}",
		NULL, "ERR Parameters.X: Template format error: [/Parameters/X] Every Parameters "
		"object must contain a Type member.", "parameter without Type");
	prep_is("{'Parameters': {'X': {'Type': 'Foo'}}, 'Resources': {'R': {'Type': 'T'}}}",
		NULL, "ERR Parameters.X: Template format error: Unrecognized parameter type: Foo",
		"unknown parameter type");
	prep_is("{'Parameters': {'Env': {'Type': 'String', 'AllowedValues': ['dev', 'prod']}},"
		" 'Resources': {'R': {'Type': 'T'}}}", "{'Env': 'test'}",
		"ERR Parameters.Env: Parameter 'Env' must be one of AllowedValues",
		"AllowedValues violation");
	prep_is("{'Parameters': {'X': {'Type': 'String', 'AllowedPattern': '[a-z]+\\\\d'}},"
		" 'Resources': {'R': {'Type': 'T'}}}", "{'X': 'abc1x'}",
		"ERR Parameters.X: Parameter 'X' must match pattern [a-z]+\\d",
		"AllowedPattern must match the whole value");
	prep_is("{'Parameters': {'X': {'Type': 'String', 'AllowedPattern': '[a-z]+\\\\d'}},"
		" 'Resources': {'R': {'Type': 'T'}}}", "{'X': 'abc1'}", "OK",
		"AllowedPattern with \\d matches");
	prep_is("{'Parameters': {'X': {'Type': 'String', 'AllowedPattern': '[a-z]+',"
		" 'ConstraintDescription': 'lower-case letters only'}},"
		" 'Resources': {'R': {'Type': 'T'}}}", "{'X': 'ABC'}",
		"ERR Parameters.X: Parameter 'X' failed to satisfy constraint: lower-case letters "
		"only", "ConstraintDescription replaces the constraint message");
	prep_is("{'Parameters': {'X': {'Type': 'String', 'MinLength': 3}},"
		" 'Resources': {'R': {'Type': 'T'}}}", "{'X': 'ab'}",
		"ERR Parameters.X: Parameter 'X' must contain at least 3 characters", "MinLength");
	prep_is("{'Parameters': {'X': {'Type': 'String', 'MaxLength': '2'}},"
		" 'Resources': {'R': {'Type': 'T'}}}", "{'X': 'abc'}",
		"ERR Parameters.X: Parameter 'X' must contain at most 2 characters", "MaxLength");
	prep_is("{'Parameters': {'X': {'Type': 'Number'}}, 'Resources': {'R': {'Type': 'T'}}}",
		"{'X': '12abc'}", "ERR Parameters.X: Parameter 'X' must be a number",
		"Number must be numeric");
	prep_is("{'Parameters': {'X': {'Type': 'Number', 'MinValue': 1, 'MaxValue': 10}},"
		" 'Resources': {'R': {'Type': 'T'}}}", "{'X': '0.5'}",
		"ERR Parameters.X: Parameter 'X' must be a number not less than 1", "MinValue");
	prep_is("{'Parameters': {'X': {'Type': 'Number', 'MinValue': 1, 'MaxValue': 10}},"
		" 'Resources': {'R': {'Type': 'T'}}}", "{'X': 11}",
		"ERR Parameters.X: Parameter 'X' must be a number not greater than 10", "MaxValue");
	prep_is("{'Parameters': {'X': {'Type': 'List<Number>'}},"
		" 'Resources': {'R': {'Type': 'T'}}}", "{'X': '1,two'}",
		"ERR Parameters.X: Parameter 'X' must be a number", "List<Number> items are numbers");
	prep_is("{'Parameters': {'X': {'Type': 'String'}}, 'Resources': {'R': {'Type': 'T'}}}",
		"{'X': {'a': 1}}", "ERR Parameters.X: Parameter 'X' must be a string, a number or a "
		"boolean", "a parameter value must be a scalar");

	is_str(fx_prep(&f,
		       "{'Parameters': {'S': {'Type': 'String'}, 'N': {'Type': 'Number'},"
		       " 'B': {'Type': 'String'}, 'L': {'Type': 'CommaDelimitedList'},"
		       " 'V': {'Type': 'AWS::EC2::VPC::Id'}, 'Subs': {'Type': "
		       "'List<AWS::EC2::Subnet::Id>'}, 'Z': {'Type': 'AWS::Route53::HostedZone::Id'},"
		       " 'P': {'Type': 'String', 'NoEcho': 'true', 'Default': ''},"
		       " 'Ssm': {'Type': 'AWS::SSM::Parameter::Value<String>', 'Default': '/a/b'}},"
		       " 'Resources': {'R': {'Type': 'T'}}}",
		       "{'S': 'x', 'N': 2.5, 'B': true, 'L': ' a ,b,  c', 'V': 'vpc-1',"
		       " 'Subs': 'subnet-1,subnet-2', 'Z': 'Z123'}"), "OK",
	       "every supported parameter type resolves");
	is_str(fx_json(&f, f.s.params),
	       "{\"S\":\"x\",\"N\":\"2.5\",\"B\":\"true\",\"L\":[\"a\",\"b\",\"c\"],"
	       "\"V\":\"vpc-1\",\"Subs\":[\"subnet-1\",\"subnet-2\"],\"Z\":\"Z123\",\"P\":\"\","
	       "\"Ssm\":\"/a/b\"}",
	       "numbers and bools become strings, lists are split and trimmed");
	is_str(fx_json(&f, f.s.no_echo), "[\"P\"]", "NoEcho parameters are listed");
	is_str(fx_json(&f, f.s.warnings),
	       "[\"Parameter 'Ssm' has type AWS::SSM::Parameter::Value<String>: SSM Parameter "
	       "Store is not emulated, so its value is used literally instead of being looked "
	       "up\"]", "SSM parameter types leave a warning");
	is_str(E("{'Ref': 'L'}"), "[\"a\",\"b\",\"c\"]", "Ref to a list parameter is the list");
	is_str(E("{'Ref': 'Ssm'}"), "\"/a/b\"", "an SSM parameter's value is used literally");
	fx_done(&f);
}

/* -------------------------------------------------------------- pseudo parameters */

static void test_pseudo(void)
{
	struct fx f;

	fx_prep(&f, base_tmpl, NULL);
	is_str(E("[{'Ref': 'AWS::AccountId'}, {'Ref': 'AWS::Region'}, {'Ref': 'AWS::StackName'},"
		 " {'Ref': 'AWS::Partition'}, {'Ref': 'AWS::URLSuffix'}]"),
	       "[\"123456789012\",\"us-east-1\",\"teststack\",\"aws\",\"amazonaws.com\"]",
	       "account, region, stack name, partition, URL suffix");
	is_str(E("{'Ref': 'AWS::StackId'}"),
	       "\"arn:aws:cloudformation:us-east-1:123456789012:stack/teststack/uuid-1\"",
	       "AWS::StackId");
	is_str(E("{'Ref': 'AWS::NotificationARNs'}"), "[]", "AWS::NotificationARNs is empty");
	is_str(E("{'Ref': 'AWS::NoValue'}"), "null", "AWS::NoValue at the top is null");
	is_str(E("{'A': {'Ref': 'AWS::NoValue'}, 'B': [1, {'Ref': 'AWS::NoValue'}, 2]}"),
	       "{\"B\":[1,2]}", "AWS::NoValue removes a key and a list element");
	is_str(E("{'Fn::Join': ['-', ['a', {'Ref': 'AWS::NoValue'}, 'b']]}"), "\"a-b\"",
	       "AWS::NoValue inside Fn::Join's list is dropped");
	fx_done(&f);
}

/* ------------------------------------------------------------------ conditions */

static void test_conditions(void)
{
	struct fx f;

	is_str(fx_prep(&f, base_tmpl, NULL), "OK", "base template prepares");
	is_str(fx_json(&f, f.s.conditions),
	       "{\"IsProd\":true,\"IsDev\":false,\"Both\":true,\"Either\":true}",
	       "every condition is evaluated");
	is_str(fx_order(&f), "Bucket,Api", "a resource whose Condition is false is left out");
	is_str(E("{'Fn::If': ['IsProd', 'p', {'Ref': 'NoSuchThing'}]}"), "\"p\"",
	       "Fn::If evaluates only the chosen branch");
	is_str(E("{'Tags': [{'Fn::If': ['IsDev', 'x', {'Ref': 'AWS::NoValue'}]}, 'y'],"
		 " 'Opt': {'Fn::If': ['IsDev', 1, {'Ref': 'AWS::NoValue'}]}}"),
	       "{\"Tags\":[\"y\"]}", "Fn::If with AWS::NoValue removes a list element and a key");
	is_str(E("{'Fn::If': ['Nope', 1, 2]}"),
	       "ERR Resources.Api.Properties.Fn::If: Template error: unresolved condition "
	       "dependency Nope in Fn::If", "Fn::If on an unknown condition");
	is_str(E("{'Fn::If': ['IsProd', 1]}"),
	       "ERR Resources.Api.Properties.Fn::If: Template error: Fn::If requires a list "
	       "argument with three elements: a condition name, the value if true and the value "
	       "if false", "Fn::If shape");
	is_str(E("[{'Condition': 'IsDev'}, {'Fn::Equals': [['a', 1], ['a', '1']]},"
		 " {'Fn::Not': [{'Condition': 'IsDev'}]}, {'Fn::Or': [false, true]},"
		 " {'Fn::And': [true, {'Condition': 'IsDev'}]}]"), "[false,true,true,true,false]",
	       "Condition and the condition functions work as values");
	is_str(E("{'Fn::And': [true]}"),
	       "ERR Resources.Api.Properties.Fn::And: Template error: every Fn::And object "
	       "requires a list of at least 2 and at most 10 boolean parameters.",
	       "Fn::And needs 2..10 members");
	is_str(E("{'Fn::Not': ['yes']}"),
	       "ERR Resources.Api.Properties.Fn::Not.0: Template error: every Fn::Not member must "
	       "be a boolean: a Condition reference or a condition function (Fn::Equals, Fn::Not, "
	       "Fn::And, Fn::Or)", "Fn::Not of a non-boolean");
	is_str(E("{'Fn::Equals': ['a']}"),
	       "ERR Resources.Api.Properties.Fn::Equals: Template error: every Fn::Equals object "
	       "requires a list of 2 string parameters.", "Fn::Equals shape");
	is_str(E("{'Condition': 'Gone'}"),
	       "ERR Resources.Api.Properties.Condition: Template error: unresolved condition "
	       "dependency Gone in Resources", "Condition on an unknown name");
	is_str(E("{'Ref': 'DevOnly'}"),
	       "ERR Resources.Api.Properties.Ref: Template format error: Unresolved resource "
	       "dependencies [DevOnly] in the Resources block of the template",
	       "Ref to a resource whose Condition is false");
	is_str(E("{'Fn::If': ['IsDev', {'Ref': 'DevOnly'}, 'none']}"), "\"none\"",
	       "Ref to it in the unchosen branch of Fn::If is fine");
	fx_done(&f);

	prep_is("{'Conditions': {'A': {'Condition': 'B'}, 'B': {'Fn::Not': [{'Condition': 'A'}]}},"
		" 'Resources': {'R': {'Type': 'T'}}}", NULL,
		"ERR Conditions.B.Fn::Not.0.Condition: Circular dependency between conditions: "
		"[A, B]", "condition cycle");
	prep_is("{'Conditions': {'A': {'Fn::Join': ['', ['a']]}}, 'Resources': {'R': {'Type': "
		"'T'}}}", NULL, "ERR Conditions.A: Template error: Conditions can only be boolean "
		"operations on parameter and mapping values", "a condition must be boolean");
	prep_is("{'Conditions': {'A': {'Fn::Equals': [{'Ref': 'R'}, 'x']}}, 'Resources': {'R': "
		"{'Type': 'T'}}}", NULL, "ERR Conditions.A.Fn::Equals.0.Ref: Template format error: "
		"Unresolved dependencies [R]. Cannot reference resources in the Conditions block of "
		"the template", "conditions cannot reference resources");
	prep_is("{'Conditions': {'A': {'Fn::Or': [{'Condition': 'Zzz'}, true]}}, 'Resources': "
		"{'R': {'Type': 'T'}}}", NULL, "ERR Conditions.A.Fn::Or.0.Condition: Template "
		"error: unresolved condition dependency Zzz in Conditions",
		"unknown condition inside Conditions");
	prep_is("{'Conditions': {'A': {'Fn::Equals': [{'Fn::ImportValue': 'X'}, 'x']}},"
		" 'Resources': {'R': {'Type': 'T'}}}", NULL, "ERR Conditions.A.Fn::Equals.0."
		"Fn::ImportValue: Template error: Fn::ImportValue cannot be used in the Conditions "
		"block of the template", "no Fn::ImportValue in Conditions");
	prep_is("{'Parameters': {'Env': {'Type': 'String', 'Default': 'dev'}},"
		" 'Mappings': {'M': {'dev': {'On': 'yes'}}}, 'Conditions': {"
		" 'A': {'Fn::Equals': [{'Fn::FindInMap': ['M', {'Ref': 'Env'}, 'On']}, 'yes']}},"
		" 'Resources': {'R': {'Type': 'T', 'Condition': 'A'}}}", NULL, "OK",
		"conditions may use Fn::FindInMap with a Ref argument");
	prep_is("{'Resources': {'R': {'Type': 'T', 'Condition': 'Missing'}}}", NULL,
		"ERR Resources.R.Condition: Template format error: Unresolved condition dependencies "
		"[Missing] in the Resources block of the template", "resource with unknown Condition");
	prep_is("{'Conditions': {'No': {'Fn::Equals': [1, 2]}}, 'Resources': {'A': {'Type': 'T',"
		" 'Condition': 'No'}, 'B': {'Type': 'T', 'DependsOn': 'A'}}}", NULL,
		"ERR Resources.B.DependsOn: Template format error: Unresolved resource dependencies "
		"[A] in the Resources block of the template", "DependsOn a resource left out");
}

/* ---------------------------------------------------------------- intrinsics */

static void test_ref_getatt(void)
{
	struct fx f;

	fx_prep(&f, base_tmpl, NULL);
	is_str(E("{'A': {'Ref': 'Env'}, 'B': {'Ref': 'Count'}, 'C': {'Ref': 'Bucket'}}"),
	       "{\"A\":\"prod\",\"B\":\"3\",\"C\":\"phys-Bucket\"}",
	       "Ref to parameters (Number as text) and to a resource");
	is_str(E("{'Ref': ['Env']}"), "ERR Resources.Api.Properties.Ref: Template format error: "
	       "Every Ref object must have a single String value.", "Ref shape");
	is_str(E("{'Name': {'Ref': 'Ghost'}}"), "ERR Resources.Api.Properties.Name.Ref: Template "
	       "format error: Unresolved resource dependencies [Ghost] in the Resources block of "
	       "the template", "Ref to an unknown name");
	is_str(E("[{'Fn::GetAtt': ['Bucket', 'Arn']}, {'Fn::GetAtt': 'Bucket.Dns.Name'},"
		 " {'Fn::GetAtt': ['Bucket', {'Ref': 'Env'}]}]"),
	       "[\"Bucket.Arn\",\"Bucket.Dns.Name\",\"Bucket.prod\"]",
	       "Fn::GetAtt: list form, dotted form, attribute from Ref");
	is_str(E("{'Tags': [{'Key': 'k', 'Value': {'Fn::GetAtt': ['Bucket', 'Nope']}}]}"),
	       "ERR Resources.Api.Properties.Tags.0.Value.Fn::GetAtt: Template error: resource "
	       "Bucket does not support attribute type Nope in Fn::GetAtt",
	       "a failing attribute keeps the resolver's message and gets the path");
	is_str(f.err.resource, "Api", "the error names the resource being evaluated");
	is_str(E("{'Fn::GetAtt': ['Bucket']}"), "ERR Resources.Api.Properties.Fn::GetAtt: "
	       "Template error: every Fn::GetAtt object requires two non-empty parameters, the "
	       "resource name and the resource attribute", "Fn::GetAtt shape");
	is_str(E("{'Fn::GetAtt': ['Env', 'Arn']}"), "ERR Resources.Api.Properties.Fn::GetAtt: "
	       "Template error: instance of Fn::GetAtt references undefined resource Env",
	       "Fn::GetAtt on a parameter");
	fx_done(&f);
}

static void test_sub(void)
{
	struct fx f;

	fx_prep(&f, base_tmpl, NULL);
	is_str(E("{'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}/${Env}/${Bucket.Arn}/${!Lit}"
		 "/${Count}'}"),
	       "\"arn:aws:s3:::phys-Bucket/prod/Bucket.Arn/${Lit}/3\"",
	       "Fn::Sub with pseudo, resource, parameter, attribute and literal");
	is_str(E("{'Fn::Sub': ['${A}-${B}-${C}-${Env}', {'A': {'Fn::Join': [':', ['x', 'y']]},"
		 " 'B': 7, 'C': true}]}"), "\"x:y-7-true-prod\"",
	       "Fn::Sub variables may be functions, numbers and bools");
	is_str(E("{'Fn::Sub': '${Subnets}'}"), "ERR Resources.Api.Properties.Fn::Sub: Template "
	       "error: variable Subnets in Fn::Sub expression does not resolve to a string",
	       "a list in Fn::Sub is an error");
	is_str(E("{'Fn::Sub': ['${X}', {'X': ['a']}]}"), "ERR Resources.Api.Properties.Fn::Sub.1.X: "
	       "Template error: variable X in Fn::Sub expression does not resolve to a string",
	       "a list variable in Fn::Sub is an error at the variable");
	is_str(E("{'Fn::Sub': 'x-${Nobody}'}"), "ERR Resources.Api.Properties.Fn::Sub: Template "
	       "format error: Unresolved resource dependencies [Nobody] in the Resources block of "
	       "the template", "Fn::Sub with an unknown name");
	is_str(E("{'Fn::Sub': ['a', 'b']}"), "ERR Resources.Api.Properties.Fn::Sub: Template "
	       "error: One or more Fn::Sub intrinsic functions don't specify expected arguments. "
	       "Specify a string as first argument, and an optional second argument to specify a "
	       "mapping of values to replace in the string", "Fn::Sub shape");
	fx_done(&f);
}

static void test_lists(void)
{
	struct fx f;

	fx_prep(&f, base_tmpl, NULL);
	is_str(E("[{'Fn::Join': ['-', ['a', {'Ref': 'Env'}, 3, true]]},"
		 " {'Fn::Join': [',', {'Ref': 'Subnets'}]}, {'Fn::Join': ['', {'Fn::GetAZs': ''}]}]"),
	       "[\"a-prod-3-true\",\"a,b,c\",\"us-east-1aus-east-1bus-east-1c\"]",
	       "Fn::Join over literals, a list parameter and Fn::GetAZs");
	is_str(E("{'Tags': [{'Key': 'a'}, {'Key': 'b', 'Value': {'Fn::Join': ['-', ['a', ['b']]]}}]}"),
	       "ERR Resources.Api.Properties.Tags.1.Value.Fn::Join: Template error: every Fn::Join "
	       "object requires two parameters, (1) a string delimiter and (2) a list of strings "
	       "to be joined or a function that returns a list of strings (such as Fn::GetAZs) to "
	       "be joined.", "Fn::Join of a nested list, with the path to it");
	is_str(E("{'Fn::Join': ['-', {'Ref': 'Env'}]}"),
	       "ERR Resources.Api.Properties.Fn::Join: Template error: every Fn::Join object "
	       "requires two parameters, (1) a string delimiter and (2) a list of strings to be "
	       "joined or a function that returns a list of strings (such as Fn::GetAZs) to be "
	       "joined.", "Fn::Join of a string");
	is_str(E("[{'Fn::Select': [1, ['a', 'b']]}, {'Fn::Select': ['2', {'Ref': 'Subnets'}]},"
		 " {'Fn::Select': [0, {'Fn::GetAtt': ['Bucket', 'List']}]}]"),
	       "[\"b\",\"c\",\"x\"]", "Fn::Select with number and string index");
	is_str(E("{'Fn::Select': [5, ['a']]}"), "ERR Resources.Api.Properties.Fn::Select: "
	       "Template error: Fn::Select cannot select nonexistent value at index 5",
	       "Fn::Select out of range");
	is_str(E("{'Fn::Select': ['x', ['a']]}"), "ERR Resources.Api.Properties.Fn::Select: "
	       "Template error: Fn::Select requires a list argument with two elements: an integer "
	       "index and a list of values (or a function that returns one)", "Fn::Select shape");
	is_str(E("[{'Fn::Split': [',', 'a,,b']}, {'Fn::Select': [1, {'Fn::Split': ['::', "
		 "{'Fn::Sub': 'x::${Env}'}]}]}]"), "[[\"a\",\"\",\"b\"],\"prod\"]",
	       "Fn::Split keeps empty items and takes a function");
	is_str(E("{'Fn::Split': ['', 'abc']}"), "ERR Resources.Api.Properties.Fn::Split: Template "
	       "error: every Fn::Split object requires two parameters, (1) a non-empty string "
	       "delimiter and (2) a string to be split or a function that returns a string to be "
	       "split.", "Fn::Split with an empty delimiter");
	is_str(E("[{'Fn::GetAZs': 'eu-west-1'}, {'Fn::GetAZs': {'Ref': 'AWS::Region'}}]"),
	       "[[\"eu-west-1a\",\"eu-west-1b\",\"eu-west-1c\"],"
	       "[\"us-east-1a\",\"us-east-1b\",\"us-east-1c\"]]", "Fn::GetAZs");
	is_str(E("{'Fn::GetAZs': ['x']}"), "ERR Resources.Api.Properties.Fn::GetAZs: Template "
	       "error: every Fn::GetAZs object requires a string parameter, a region name (or \"\" "
	       "for the stack's region)", "Fn::GetAZs shape");
	fx_done(&f);
}

static void test_misc_fns(void)
{
	struct fx f;

	fx_prep(&f, base_tmpl, NULL);
	is_str(E("[{'Fn::FindInMap': ['RegionMap', {'Ref': 'AWS::Region'}, 'Ami']},"
		 " {'Fn::FindInMap': ['RegionMap', 'us-east-1', 'Zones']}]"),
	       "[\"ami-1\",[\"z1\",\"z2\"]]", "Fn::FindInMap with a Ref key and a list value");
	is_str(E("{'Fn::FindInMap': ['RegionMap', 'eu-west-1', 'Ami']}"),
	       "ERR Resources.Api.Properties.Fn::FindInMap: Template error: Unable to get mapping "
	       "for RegionMap::eu-west-1::Ami", "Fn::FindInMap with a missing key");
	is_str(E("{'Fn::FindInMap': ['RegionMap', 'us-east-1']}"),
	       "ERR Resources.Api.Properties.Fn::FindInMap: Template error: every Fn::FindInMap "
	       "object requires three parameters, the map name, map key and the attribute for "
	       "return value", "Fn::FindInMap shape");
	is_str(E("{'Fn::ImportValue': {'Fn::Sub': '${Env}-VpcId'}}"), "\"exported-prod-VpcId\"",
	       "Fn::ImportValue through the callback");
	is_str(E("{'Fn::ImportValue': 'Missing'}"), "ERR Resources.Api.Properties.Fn::ImportValue: "
	       "No export named Missing found", "Fn::ImportValue of a missing export");
	f.s.import = NULL;
	is_str(E("{'Fn::ImportValue': 'Any'}"), "ERR Resources.Api.Properties.Fn::ImportValue: No "
	       "export named Any found", "Fn::ImportValue without an import callback");
	is_str(f.err.code, "ValidationError", "no export is a ValidationError");
	is_str(E("[{'Fn::Base64': 'hello'}, {'Fn::Base64': {'Fn::Sub': '#!/bin/sh ${Env}'}}]"),
	       "[\"aGVsbG8=\",\"IyEvYmluL3NoIHByb2Q=\"]", "Fn::Base64");
	is_str(E("{'Fn::Base64': ['a']}"), "ERR Resources.Api.Properties.Fn::Base64: Template "
	       "error: every Fn::Base64 object must have a String value", "Fn::Base64 shape");
	is_str(E("{'Fn::Cidr': ['192.168.0.0/24', 6, 5]}"),
	       "[\"192.168.0.0/27\",\"192.168.0.32/27\",\"192.168.0.64/27\",\"192.168.0.96/27\","
	       "\"192.168.0.128/27\",\"192.168.0.160/27\"]", "Fn::Cidr IPv4");
	is_str(E("{'Fn::Cidr': ['10.0.0.0/16', '3', '8']}"),
	       "[\"10.0.0.0/24\",\"10.0.1.0/24\",\"10.0.2.0/24\"]", "Fn::Cidr with string numbers");
	is_str(E("{'Fn::Cidr': ['2001:db8::/56', 2, 64]}"),
	       "[\"2001:db8::/64\",\"2001:db8:0:1::/64\"]", "Fn::Cidr IPv6");
	is_str(E("{'Fn::Cidr': ['192.168.0.0/24', 16, 5]}"),
	       "ERR Resources.Api.Properties.Fn::Cidr: Template error: Fn::Cidr cannot make 16 "
	       "subnets of /27 in 192.168.0.0/24", "Fn::Cidr asking for too many subnets");
	is_str(E("{'Fn::Cidr': ['192.168.0.0', 2, 5]}"),
	       "ERR Resources.Api.Properties.Fn::Cidr: Template error: Fn::Cidr: '192.168.0.0' is "
	       "not a valid IPv4 or IPv6 CIDR block", "Fn::Cidr without a prefix length");
	is_str(E("{'Fn::Cidr': ['10.0.0.0/16', 0, 8]}"),
	       "ERR Resources.Api.Properties.Fn::Cidr: Template error: Fn::Cidr count must be "
	       "between 1 and 256, not 0", "Fn::Cidr count range");
	is_str(E("{'Fn::Transform': {'Name': 'X'}}"), "ERR Resources.Api.Properties.Fn::Transform: "
	       "Template format error: Encountered unsupported function: Fn::Transform Supported "
	       "functions are: [Fn::Base64, Fn::GetAtt, Fn::GetAZs, Fn::ImportValue, Fn::Join, "
	       "Fn::Split, Fn::FindInMap, Fn::Select, Ref, Fn::Equals, Fn::If, Fn::Not, Condition, "
	       "Fn::And, Fn::Or, Fn::Contains, Fn::EachMemberEquals, Fn::EachMemberIn, Fn::ValueOf, "
	       "Fn::ValueOfAll, Fn::RefAll, Fn::Sub, Fn::Cidr]", "unsupported function");
	is_str(E("{'Statement': [{'Effect': 'Allow', 'Condition': {'Bool': {'a': 'true'}}}],"
		 " 'Ref2': {'Ref': 'Env', 'Extra': 1}}"),
	       "{\"Statement\":[{\"Effect\":\"Allow\",\"Condition\":{\"Bool\":{\"a\":\"true\"}}}],"
	       "\"Ref2\":{\"Ref\":\"Env\",\"Extra\":1}}",
	       "objects that only look like functions are copied");
	fx_done(&f);
}

/* ------------------------------------------------------------- dependency order */

static void test_order(void)
{
	struct fx f;

	is_str(fx_prep(&f, "{'Resources': {"
		       " 'Top': {'Type': 'T', 'DependsOn': ['Left', 'Right']},"
		       " 'Left': {'Type': 'T', 'Properties': {'A': {'Ref': 'Base'}}},"
		       " 'Right': {'Type': 'T', 'Properties': {'A': {'Fn::GetAtt': ['Base', 'Arn']}}},"
		       " 'Base': {'Type': 'T'}}}", NULL), "OK", "diamond prepares");
	is_str(fx_order(&f), "Base,Left,Right,Top", "diamond order");
	fx_done(&f);

	fx_prep(&f, "{'Resources': {'C': {'Type': 'T', 'DependsOn': 'B'}, 'B': {'Type': 'T'},"
		" 'A': {'Type': 'T'}, 'D': {'Type': 'T', 'DependsOn': ['A']}}}", NULL);
	is_str(fx_order(&f), "B,C,A,D", "DependsOn as string and list; ties keep template order");
	fx_done(&f);

	fx_prep(&f, "{'Parameters': {'P': {'Type': 'String', 'Default': 'p'}}, 'Resources': {"
		" 'User': {'Type': 'T', 'Properties': {'X': {'Fn::Sub': '${Db.Port}-${Q}-${!Queue}"
		"-${P}-${AWS::Region}'}, 'Y': {'Fn::Sub': ['${Own}', {'Own': {'Ref': 'Queue'}}]}}},"
		" 'Db': {'Type': 'T'}, 'Queue': {'Type': 'T'}, 'Q': {'Type': 'T'}}}", NULL);
	is_str(fx_order(&f), "Db,Queue,Q,User", "Fn::Sub implies dependencies (not ${!X}, "
	       "parameters, pseudo parameters or its own variables)");
	fx_done(&f);

	prep_is("{'Resources': {'A': {'Type': 'T', 'Properties': {'X': {'Ref': 'C'}}},"
		" 'D': {'Type': 'T', 'DependsOn': 'A'},"
		" 'B': {'Type': 'T', 'Properties': {'X': {'Fn::Sub': '${A.Arn}'}}},"
		" 'C': {'Type': 'T', 'DependsOn': 'B'}}}", NULL,
		"ERR Resources.A: Circular dependency between resources: [A, B, C]",
		"cycle names exactly the resources on it, sorted");
	prep_is("{'Resources': {'A': {'Type': 'T', 'Properties': {'X': {'Ref': 'A'}}}}}", NULL,
		"ERR Resources.A: Circular dependency between resources: [A]", "self reference");
	prep_is("{'Resources': {'A': {'Type': 'T', 'Properties': {'X': [{'Ref': 'Zed'},"
		" {'Fn::If': ['C', {'Ref': 'Alpha'}, 1]}]}}}, 'Conditions': {'C': {'Fn::Equals': "
		"[1, 1]}}}", NULL,
		"ERR Resources.A.Properties.X.0.Ref: Template format error: Unresolved resource "
		"dependencies [Alpha, Zed] in the Resources block of the template",
		"unknown names are listed sorted (both Fn::If branches count)");
	prep_is("{'Resources': {'A': {'Type': 'T', 'DependsOn': ['B', 'Ghost']},"
		" 'B': {'Type': 'T'}}}", NULL,
		"ERR Resources.A.DependsOn.1: Template format error: Unresolved resource "
		"dependencies [Ghost] in the Resources block of the template", "DependsOn unknown");
	prep_is("{'Parameters': {'P': {'Type': 'String', 'Default': 'x'}}, 'Resources': {'A': "
		"{'Type': 'T', 'Properties': {'X': {'Fn::GetAtt': ['P', 'Arn']}}}}}", NULL,
		"ERR Resources.A.Properties.X.Fn::GetAtt: Template error: instance of Fn::GetAtt "
		"references undefined resource P", "Fn::GetAtt on a parameter at prepare");
	prep_is("{'Resources': {'A': {'Type': 'T', 'Properties': {'X': {'Fn::If': ['Nope', 1, 2]}}}}}",
		NULL, "ERR Resources.A.Properties.X.Fn::If: Template error: unresolved condition "
		"dependency Nope in Fn::If", "Fn::If on an unknown condition at prepare");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_scale(void)
{
	enum { N = 10000 };
	struct fg_buf b, want;
	struct fx f;
	double t0, dt;
	char *tmpl;

	fg_buf_init(&b);
	fg_buf_init(&want);
	fg_buf_puts(&b, "{'Resources': {");
	for (int i = N - 1; i >= 0; i--) {
		fg_buf_printf(&b, "'R%d': {'Type': 'T'", i);
		if (i > 0)
			fg_buf_printf(&b, ", 'DependsOn': 'R%d', 'Properties': {'P': {'Ref': 'R%d'}}",
				      i - 1, i - 1);
		fg_buf_puts(&b, i > 0 ? "}, " : "}");
	}
	fg_buf_puts(&b, "}}");
	for (int i = 0; i < N; i++)
		fg_buf_printf(&want, "%sR%d", i ? "," : "", i);
	tmpl = fg_buf_take(&b);
	t0 = now_s();
	is_str(fx_prep(&f, tmpl, NULL), "OK", "10,000 chained resources prepare");
	dt = now_s() - t0;
	is_int(f.s.norder, N, "all 10,000 are ordered");
	is_str(fx_order(&f), want.data, "in dependency order, against template order");
	ok(dt < 1.0, "in well under a second (%.3f s)", dt);
	t0 = now_s();
	for (int i = 0; i < N; i++) {
		char node[64];
		cJSON *n, *v;
		struct fg_err err;

		snprintf(node, sizeof(node), "{\"Ref\": \"R%d\"}", (i * 7919) % N);
		n = cJSON_Parse(node);
		v = cfn_eval(&f.s, n, "Resources.R1.Properties", &err);
		cJSON_Delete(n);
		cJSON_Delete(v);
	}
	dt = now_s() - t0;
	ok(dt < 1.0, "10,000 Refs evaluate quickly (%.3f s)", dt);
	fx_done(&f);
	free(tmpl);
	fg_buf_free(&want);
}

/* ---------------------------------------------------------------- outputs */

static void test_outputs(void)
{
	static const char t[] =
		"{'Parameters': {'L': {'Type': 'CommaDelimitedList', 'Default': 'a,b'}},"
		" 'Conditions': {'Off': {'Fn::Equals': [1, 2]}},"
		" 'Resources': {'Api': {'Type': 'T'}},"
		" 'Outputs': {"
		"  'Url': {'Value': {'Fn::Sub': 'https://${Api}.execute-api.${AWS::Region}."
		"${AWS::URLSuffix}'}, 'Export': {'Name': {'Fn::Sub': '${AWS::StackName}-Url'}}},"
		"  'List': {'Value': {'Ref': 'L'}, 'Description': 'joined'},"
		"  'Num': {'Value': 42},"
		"  'Hidden': {'Condition': 'Off', 'Value': {'Ref': 'Api'},"
		"   'Export': {'Name': 'Hidden'}}}}";
	struct fx f;
	cJSON *outs, *exps;

	is_str(fx_prep(&f, t, NULL), "OK", "template with outputs prepares");
	is_int(cfn_outputs(&f.s, &outs, &exps, &f.err), 0, "cfn_outputs succeeds");
	is_str(fx_json(&f, outs), "{\"Url\":\"https://phys-Api.execute-api.us-east-1."
	       "amazonaws.com\",\"List\":\"a,b\",\"Num\":\"42\"}",
	       "outputs are text, lists joined with commas, false Condition skipped");
	is_str(fx_json(&f, exps), "{\"teststack-Url\":\"https://phys-Api.execute-api.us-east-1."
	       "amazonaws.com\"}", "exports by evaluated name");
	cJSON_Delete(outs);
	cJSON_Delete(exps);
	fx_done(&f);

	fx_prep(&f, "{'Resources': {'A': {'Type': 'T'}}, 'Outputs': {"
		" 'One': {'Value': 'x', 'Export': {'Name': 'Same'}},"
		" 'Two': {'Value': 'y', 'Export': {'Name': {'Fn::Join': ['', ['Sa', 'me']]}}}}}",
		NULL);
	is_int(cfn_outputs(&f.s, &outs, &exps, &f.err), -1, "duplicate export names fail");
	is_str(fx_errtext(&f), "ERR Outputs.Two.Export.Name: Template format error: Duplicate "
	       "export name Same: Outputs One and Two both export it", "duplicate export message");
	ok(outs == NULL && exps == NULL, "nothing is returned on failure");
	fx_done(&f);

	fx_prep(&f, "{'Resources': {'A': {'Type': 'T'}}, 'Outputs': {"
		" 'Bad': {'Value': {'Fn::GetAtt': ['A', 'Nope']}}}}", NULL);
	is_int(cfn_outputs(&f.s, &outs, &exps, &f.err), -1, "a failing output value fails");
	is_str(fx_errtext(&f), "ERR Outputs.Bad.Value.Fn::GetAtt: Template error: resource A "
	       "does not support attribute type Nope in Fn::GetAtt", "output error path");
	is_str(f.err.resource, "Bad", "output errors name the output");
	fx_done(&f);

	fx_prep(&f, "{'Conditions': {'No': {'Fn::Equals': [1, 2]}}, 'Resources': {'A': {'Type': "
		"'T', 'Condition': 'No'}, 'B': {'Type': 'T'}}, 'Outputs': {'O': {'Value': {'Ref': "
		"'A'}}}}", NULL);
	is_int(cfn_outputs(&f.s, &outs, &exps, &f.err), -1,
	       "an output referencing a resource left out fails");
	is_str(fx_errtext(&f), "ERR Outputs.O.Value.Ref: Template format error: Unresolved "
	       "resource dependencies [A] in the Outputs block of the template",
	       "and says so for the Outputs block");
	fx_done(&f);

	prep_is("{'Resources': {'A': {'Type': 'T'}}, 'Outputs': {'O': {'Value': {'Ref': 'B'}}}}",
		NULL, "ERR Outputs.O.Value.Ref: Template format error: Unresolved resource "
		"dependencies [B] in the Outputs block of the template",
		"outputs referencing unknown names fail at prepare");
	prep_is("{'Resources': {'A': {'Type': 'T'}}, 'Outputs': {'O': {'Description': 'd'}}}",
		NULL, "ERR Outputs.O: Template format error: Every Outputs member must contain a "
		"Value object", "an output needs a Value");
	prep_is("{'Resources': {'A': {'Type': 'T'}}, 'Outputs': {'O': {'Value': 1, 'Condition': "
		"'Nope'}}}", NULL, "ERR Outputs.O.Condition: Template format error: Unresolved "
		"condition dependencies [Nope] in the Outputs block of the template",
		"output with an unknown Condition");
}

int main(void)
{
	test_shape();
	test_params();
	test_pseudo();
	test_conditions();
	test_ref_getatt();
	test_sub();
	test_lists();
	test_misc_fns();
	test_order();
	test_scale();
	test_outputs();
	return tap_done();
}
