/* Unit tests for the deployer: emulated and not-emulated types, attributes through
 * Fn::GetAtt, all-or-nothing failure, updates keeping physical ids, removal, exports and
 * imports across stacks, and the public view. */
#include <stdio.h>
#include <stdlib.h>

#include "stack/stack.h"
#include "tap.h"

static int removed;

/* Test::Thing: physical id "thing-<logical>", attribute Echo = Properties.Value;
 * Properties.Fail: true makes create fail; Properties.Keep: true makes remove refuse. */
static int thing_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	if (cJSON_IsTrue(cJSON_GetObjectItem(props, "Fail"))) {
		fg_err_set(err, 400, "ValidationError", "Thing %s was told to fail", c->logical_id);
		fg_err_at(err, NULL, "Fail");
		return -1;
	}
	return 0;
}

static int thing_create(struct stack_rctx *c, const cJSON *props, char phys[256], cJSON *attrs,
			cJSON *state, struct fg_err *err)
{
	const cJSON *v = cJSON_GetObjectItem(props, "Value");
	const cJSON *peer = cJSON_GetObjectItem(props, "Peer");

	if (phys[0] == '\0')
		snprintf(phys, 256, "thing-%s", c->logical_id);
	cJSON_AddStringToObject(attrs, "Echo", cJSON_IsString(v) ? v->valuestring : "");
	if (cJSON_IsString(peer)) {
		/* state sees the resources deployed before this one */
		const cJSON *r = stack_rctx_find(c, "Test::Thing", peer->valuestring);

		cJSON_AddBoolToObject(state, "PeerFound", r != NULL);
	}
	return 0;
}

static int thing_remove(struct stack_rctx *c, const cJSON *res, struct fg_err *err)
{
	if (cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(res, "Properties"), "Keep"))) {
		fg_err_set(err, 409, "ResourceInUse", "Thing %s refuses to go", c->logical_id);
		return -1;
	}
	removed++;
	return 0;
}

static const struct stack_rtype thing = {
	.type = "Test::Thing",
	.validate = thing_validate,
	.create = thing_create,
	.remove = thing_remove,
};

static const struct stack_defaults def = { "123456789012", "us-east-1" };

static int deploy(struct stack_registry *r, struct stack_world **w, const char *name,
		  const char *tpl_json, cJSON **doc, struct fg_err *e)
{
	cJSON *tpl = cJSON_Parse(tpl_json);
	struct stack_world *next = NULL;
	struct stack_request req = { .name = name, .template = tpl, .now_ms = 1000 };
	bool created;
	int rc;

	FG_ASSERT(tpl != NULL);
	fg_err_clear(e);
	rc = stack_deploy(r, &def, *w, &req, doc, &next, &created, e);
	if (rc == 0) {
		stack_world_rel(w);
		*w = next;
	}
	cJSON_Delete(tpl);
	return rc;
}

static const cJSON *res_of(const cJSON *doc, const char *id)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "Resources"))
		if (strcmp(cJSON_GetObjectItem(r, "LogicalId")->valuestring, id) == 0)
			return r;
	return NULL;
}

static void test_basic(struct stack_registry *r)
{
	struct stack_world *w = stack_world_new(NULL);
	struct fg_err e;
	cJSON *doc = NULL, *view;
	const cJSON *b, *role;

	ok(deploy(r, &w, "one",
		  "{\"Resources\":{"
		  "\"A\":{\"Type\":\"Test::Thing\",\"Properties\":{\"Value\":\"hello\"}},"
		  "\"B\":{\"Type\":\"Test::Thing\",\"Properties\":{\"Value\":"
		  "{\"Fn::Sub\":\"${A}/${A.Echo}\"}}},"
		  "\"Role\":{\"Type\":\"AWS::IAM::Role\",\"Properties\":{}}},"
		  "\"Outputs\":{\"RoleArn\":{\"Value\":{\"Fn::GetAtt\":[\"Role\",\"Arn\"]}}}}",
		  &doc, &e) == 0, "deploy with an emulated and a not-emulated type: %s", e.message);
	b = res_of(doc, "B");
	is_str(cJSON_GetObjectItem(cJSON_GetObjectItem(b, "Attributes"), "Echo")->valuestring,
	       "thing-A/hello", "Ref and GetAtt of an earlier resource reach later properties");
	role = res_of(doc, "Role");
	ok(cJSON_IsFalse(cJSON_GetObjectItem(role, "Emulated")), "IAM role is not emulated");
	ok(strncmp(cJSON_GetObjectItem(role, "PhysicalId")->valuestring, "one-Role-", 9) == 0 &&
	   strlen(cJSON_GetObjectItem(role, "PhysicalId")->valuestring) == 9 + 13,
	   "default physical id is {stack}-{logical}-{13 chars}");
	{
		char *warnings = cJSON_PrintUnformatted(cJSON_GetObjectItem(doc, "Warnings"));

		ok(strstr(warnings, "AWS::IAM::Role is not emulated") != NULL,
		   "the warning names the type");
		free(warnings);
	}
	ok(strncmp(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "Outputs"), "RoleArn")->valuestring,
		   "arn:aws:iam::123456789012:role/one-Role-", 40) == 0,
	   "Arn of a not-emulated IAM role is AWS-shaped");
	is_str(cJSON_GetObjectItem(doc, "Status")->valuestring, "CREATE_COMPLETE", "status");
	view = stack_public_view(doc);
	ok(cJSON_GetObjectItem(view, "Template") == NULL &&
	   cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(view, "Resources"), 0),
			       "Properties") == NULL, "the public view leaves out template and properties");
	cJSON_Delete(view);
	cJSON_Delete(doc);
	stack_world_rel(&w);
}

static void test_state_and_find(struct stack_registry *r)
{
	struct stack_world *w = stack_world_new(NULL);
	struct fg_err e;
	cJSON *doc = NULL, *view;
	const cJSON *b;
	char *text;

	ok(deploy(r, &w, "st", "{\"Resources\":{\"A\":{\"Type\":\"Test::Thing\"},"
		  "\"B\":{\"Type\":\"Test::Thing\",\"Properties\":{\"Peer\":{\"Ref\":\"A\"}}},"
		  "\"C\":{\"Type\":\"Test::Thing\",\"Properties\":{\"Peer\":\"nobody\"}}}}",
		  &doc, &e) == 0, "deploy with peers");
	b = res_of(doc, "B");
	ok(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(b, "State"), "PeerFound")),
	   "a type finds an earlier resource of the same stack by physical id");
	ok(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetObjectItem(res_of(doc, "C"), "State"),
					     "PeerFound")), "and not one that does not exist");
	ok(cJSON_GetObjectItem(res_of(doc, "A"), "State") == NULL, "empty state is not stored");
	view = stack_public_view(doc);
	text = cJSON_PrintUnformatted(view);
	ok(strstr(text, "PeerFound") == NULL, "state is not in the public view");
	free(text);
	cJSON_Delete(view);
	cJSON_Delete(doc);
	stack_world_rel(&w);
}

static void test_all_or_nothing(struct stack_registry *r)
{
	struct stack_world *w = stack_world_new(NULL), *before;
	struct fg_err e;
	cJSON *doc = NULL;
	char *snap;

	deploy(r, &w, "s", "{\"Resources\":{\"A\":{\"Type\":\"Test::Thing\"}}}", &doc, &e);
	cJSON_Delete(doc);
	before = stack_world_ref(w);
	snap = cJSON_PrintUnformatted(stack_world_stacks(w));
	ok(deploy(r, &w, "s",
		  "{\"Resources\":{"
		  "\"R1\":{\"Type\":\"Test::Thing\"},\"R2\":{\"Type\":\"Test::Thing\"},"
		  "\"R3\":{\"Type\":\"AWS::Logs::LogGroup\"},\"R4\":{\"Type\":\"Test::Thing\"},"
		  "\"R5\":{\"Type\":\"Test::Thing\",\"Properties\":{\"Fail\":true}}}}",
		  &doc, &e) != 0, "the 5th resource fails the deployment");
	is_str(e.resource, "R5", "the error names the resource");
	is_str(e.property, "Fail", "the error names the property the type pointed at");
	ok(w == before, "the world is not replaced");
	{
		char *now = cJSON_PrintUnformatted(stack_world_stacks(w));

		is_str(now, snap, "the stack is exactly as before");
		free(now);
	}
	free(snap);
	stack_world_rel(&before);
	stack_world_rel(&w);
}

/* A change copies only the stack it deploys: the other stacks' documents are shared between
 * the old world and the new one, and stay valid when the old world goes. */
static void test_world_shares(struct stack_registry *r)
{
	struct stack_world *w = stack_world_new(NULL), *old;
	struct fg_err e;
	cJSON *doc = NULL;
	const char *tpl = "{\"Resources\":{\"A\":{\"Type\":\"Test::Thing\"}}}";

	deploy(r, &w, "a", tpl, &doc, &e);
	cJSON_Delete(doc);
	old = stack_world_ref(w);
	ok(deploy(r, &w, "b", tpl, &doc, &e) == 0 && w != old, "deploy b into a new world");
	cJSON_Delete(doc);
	ok(stack_world_find(w, "a")->child == stack_world_find(old, "a")->child,
	   "stack a is shared with the world before, not copied");
	ok(stack_world_find(old, "b") == NULL && stack_world_find(w, "b") != NULL,
	   "b is only in the new world");
	stack_world_rel(&old);
	is_str(cJSON_GetObjectItem(stack_world_find(w, "a"), "Name")->valuestring, "a",
	   "a outlives the world it came from");
	old = stack_world_ref(w);
	ok(deploy(r, &w, "a", "{\"Resources\":{\"B\":{\"Type\":\"Test::Thing\"}}}", &doc,
		  &e) == 0, "update a");
	cJSON_Delete(doc);
	ok(stack_world_find(w, "a")->child != stack_world_find(old, "a")->child &&
	   stack_world_find(w, "b")->child == stack_world_find(old, "b")->child &&
	   cJSON_GetArraySize(stack_world_stacks(w)) == 2,
	   "the updated stack is new, the other still shared, still two stacks");
	is_str(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(
		stack_world_find(old, "a"), "Resources"), 0), "LogicalId")->valuestring, "A",
	       "the world before keeps the old document of a");
	stack_world_rel(&old);
	stack_world_rel(&w);
}

static void test_update_remove(struct stack_registry *r)
{
	struct stack_world *w = stack_world_new(NULL);
	struct fg_err e;
	cJSON *doc = NULL;
	struct stack_world *next = NULL;

	deploy(r, &w, "u",
	       "{\"Resources\":{\"A\":{\"Type\":\"Test::Thing\",\"Metadata\":{\"Frontgate\":"
	       "{\"Id\":\"pinned\"}}},\"B\":{\"Type\":\"Test::Thing\"},"
	       "\"K\":{\"Type\":\"Test::Thing\",\"Properties\":{\"Keep\":true}}}}", &doc, &e);
	is_str(cJSON_GetObjectItem(res_of(doc, "A"), "PhysicalId")->valuestring, "pinned",
	       "Metadata.Frontgate.Id pins the physical id");
	cJSON_Delete(doc);
	removed = 0;
	ok(deploy(r, &w, "u",
		  "{\"Resources\":{\"A\":{\"Type\":\"Test::Thing\",\"Metadata\":{\"Frontgate\":"
		  "{\"Id\":\"pinned\"}}},\"K\":{\"Type\":\"Test::Thing\",\"Properties\":"
		  "{\"Keep\":true}}}}", &doc, &e) == 0, "update dropping B");
	is_int(removed, 1, "the dropped resource was removed");
	is_str(cJSON_GetObjectItem(doc, "Status")->valuestring, "UPDATE_COMPLETE", "update status");
	cJSON_Delete(doc);
	ok(deploy(r, &w, "u", "{\"Resources\":{\"A\":{\"Type\":\"Test::Thing\"}}}", &doc, &e) != 0 &&
	   strcmp(e.resource, "K") == 0, "a refusing remove stops the update: %s", e.message);
	ok(stack_delete(r, w, "u", &next, &e) != 0 && e.status == 409 && next == NULL,
	   "and stops the delete");
	ok(stack_delete(r, w, "nope", &next, &e) != 0 && e.status == 404, "unknown stack: 404");
	stack_world_rel(&w);
}

static void test_exports(struct stack_registry *r)
{
	struct stack_world *w = stack_world_new(NULL);
	struct fg_err e;
	cJSON *doc = NULL;
	struct stack_world *next = NULL;

	deploy(r, &w, "net", "{\"Resources\":{\"A\":{\"Type\":\"Test::Thing\"}},"
	       "\"Outputs\":{\"O\":{\"Value\":{\"Ref\":\"A\"},\"Export\":{\"Name\":\"net-a\"}}}}",
	       &doc, &e);
	cJSON_Delete(doc);
	ok(deploy(r, &w, "app", "{\"Resources\":{\"B\":{\"Type\":\"Test::Thing\",\"Properties\":"
		  "{\"Value\":{\"Fn::ImportValue\":\"net-a\"}}}}}", &doc, &e) == 0,
	   "import another stack's export: %s", e.message);
	is_str(cJSON_GetObjectItem(cJSON_GetObjectItem(res_of(doc, "B"), "Attributes"),
				   "Echo")->valuestring, "thing-A", "the imported value arrives");
	cJSON_Delete(doc);
	ok(deploy(r, &w, "dup", "{\"Resources\":{\"A\":{\"Type\":\"Test::Thing\"}},"
		  "\"Outputs\":{\"O\":{\"Value\":\"x\",\"Export\":{\"Name\":\"net-a\"}}}}",
		  &doc, &e) != 0 && e.status == 409 &&
	   strstr(e.message, "already exported by stack net") != NULL,
	   "an export name is unique across stacks: %s", e.message);
	ok(stack_delete(r, w, "net", &next, &e) != 0 && e.status == 409 &&
	   strstr(e.message, "in use by") != NULL, "an imported export blocks delete: %s",
	   e.message);
	ok(deploy(r, &w, "net", "{\"Resources\":{\"A\":{\"Type\":\"Test::Thing\"}}}", &doc, &e) != 0 &&
	   strstr(e.message, "cannot be deleted as it is in use by") != NULL,
	   "an update may not drop an imported export: %s", e.message);
	ok(deploy(r, &w, "x", "{\"Resources\":{\"B\":{\"Type\":\"Test::Thing\",\"Properties\":"
		  "{\"Value\":{\"Fn::ImportValue\":\"nope\"}}}}}", &doc, &e) != 0 &&
	   strstr(e.message, "No export named nope") != NULL, "unknown import: %s", e.message);
	ok(stack_delete(r, w, "app", &next, &e) == 0, "delete the importer");
	stack_world_rel(&w);
	w = next;
	ok(stack_delete(r, w, "net", &next, &e) == 0 && stack_world_find(next, "net") == NULL &&
	   stack_world_find(w, "net") != NULL, "then the exporter can go (from the new world)");
	stack_world_rel(&next);
	stack_world_rel(&w);
}

static void test_names(void)
{
	struct fg_err e;

	fg_err_clear(&e);
	ok(stack_name_valid("my-stack-1", &e), "valid stack name");
	ok(!stack_name_valid("1stack", &e), "a name must start with a letter");
	is_str(e.message, "1 validation error detected: Value '1stack' at 'stackName' failed to "
	       "satisfy constraint: Member must satisfy regular expression pattern: "
	       "[a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*", "CloudFormation's exact message");
	ok(!stack_name_valid("a_b", &e), "underscore is not allowed");
	{
		char longname[200];

		memset(longname, 'a', 129);
		longname[129] = '\0';
		ok(!stack_name_valid(longname, &e) &&
		   strstr(e.message, "Member must have length less than or equal to 128") != NULL,
		   "129 characters: the length message");
		longname[128] = '\0';
		ok(stack_name_valid(longname, &e), "128 characters are fine");
	}
}

int main(void)
{
	struct stack_registry *r = stack_registry_new();

	stack_registry_add(r, &thing, NULL);
	test_basic(r);
	test_state_and_find(r);
	test_all_or_nothing(r);
	test_world_shares(r);
	test_update_remove(r);
	test_exports(r);
	test_names();
	stack_registry_destroy(&r);
	return tap_done();
}
