/* Unit tests for running functions: inline Python and Node code in warm workers (results,
 * environment, context, exceptions, timeouts, crashes, garbage on the result channel, init
 * errors, warm reuse), a Metadata.Frontgate.Command program, the concurrency limit,
 * redeploys, and that no worker outlives the service. The only tests that wait for time to
 * pass are the two Timeout: 1 ones (one per language): timeouts are real time by nature. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static bool have(const char *prog)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", prog);
	return system(cmd) == 0;
}

static void skip(int n, const char *why)
{
	for (int i = 0; i < n; i++)
		ok(1, "# SKIP %s", why);
}

/* Invokes and checks the status; the result stays in *r for more checks. */
static bool call(struct h *h, const char *fn, const char *event, enum fg_invoke_status want,
		 struct fg_invoke_result *r, const char *what)
{
	h_invoke(h, fn, event, r);
	if (!ok(r->status == want, "%s: %s", what, h_status(r->status))) {
		printf("#   payload: %s\n#   detail: %s\n", r->payload ? r->payload : "(null)",
		       r->detail ? r->detail : "(null)");
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ Python */

static const char *const py_code =
	"import os, sys, time\n"
	"count = 0\n"
	"print('importing index')\n"
	"def handler(event, context):\n"
	"    global count\n"
	"    count += 1\n"
	"    what = event.get('do')\n"
	"    print('handling', what)\n"
	"    if what == 'raise':\n"
	"        raise ValueError('bad value ' + str(count))\n"
	"    if what == 'loop':\n"
	"        while True:\n"
	"            pass\n"
	"    if what == 'exit':\n"
	"        sys.stderr.write('about to exit\\n')\n"
	"        os._exit(3)\n"
	"    if what == 'garbage':\n"
	"        os.write(4, b'this is not json\\n')\n"
	"        return 'late'\n"
	"    if what == 'marshal':\n"
	"        return {1, 2}\n"
	"    if what == 'huge':\n"
	"        return 'x' * 7000000\n"
	"    if what == 'size':\n"
	"        return {'size': len(event['blob']), 'back': event['blob']}\n"
	"    return {'count': count, 'event': event, 'pid': os.getpid(),\n"
	"            'greeting': os.environ.get('GREETING'), 'number': os.environ.get('NUMBER'),\n"
	"            'region': os.environ.get('AWS_REGION'),\n"
	"            'fname': os.environ.get('AWS_LAMBDA_FUNCTION_NAME'),\n"
	"            'root': os.environ.get('LAMBDA_TASK_ROOT'), 'cwd': os.getcwd(),\n"
	"            'home_secret': os.environ.get('FG_TEST_SECRET'),\n"
	"            'request_id': context.aws_request_id, 'function_name': context.function_name,\n"
	"            'memory': context.memory_limit_in_mb, 'arn': context.invoked_function_arn,\n"
	"            'version': context.function_version,\n"
	"            'remaining': context.get_remaining_time_in_millis()}\n";

static void test_python(void)
{
	struct h h;
	struct fg_err e;
	struct fg_invoke_result r;
	char v[512], *yaml;
	int pid1;

	if (!have("python3")) {
		skip(40, "python3 is not installed");
		return;
	}
	setenv("FG_TEST_SECRET", "host-only", 1);
	h_init(&h, 2);
	yaml = h_fn_yaml("py", "python3.12", 1, "      MemorySize: 256\n      Environment:\n"
			 "        Variables: { GREETING: hello, NUMBER: 42 }\n", py_code);
	ok(h_deploy(&h, "run", yaml, &e) == 0, "deploy a Python function: %s", e.message);
	free(yaml);

	if (call(&h, "py", "{\"do\":\"echo\",\n \"x\": [1, 2]}", FG_INVOKE_OK, &r, "echo")) {
		is_str(h_field(r.payload, "event", v, sizeof(v)), "{\"do\":\"echo\",\"x\":[1,2]}",
		       "the event arrives (a newline in it is fine)");
		is_str(h_field(r.payload, "count", v, sizeof(v)), "1", "first invocation");
		is_str(h_field(r.payload, "greeting", v, sizeof(v)), "hello", "Environment.Variables");
		is_str(h_field(r.payload, "number", v, sizeof(v)), "42", "a number becomes a string");
		is_str(h_field(r.payload, "region", v, sizeof(v)), "us-east-1", "AWS_REGION");
		is_str(h_field(r.payload, "fname", v, sizeof(v)), "py", "AWS_LAMBDA_FUNCTION_NAME");
		is_str(h_field(r.payload, "home_secret", v, sizeof(v)), "null",
		       "the host's environment does not leak into inline code");
		is_str(h_field(r.payload, "request_id", v, sizeof(v)), r.request_id,
		       "context.aws_request_id is the invocation's request id");
		is_str(h_field(r.payload, "function_name", v, sizeof(v)), "py", "context.function_name");
		is_str(h_field(r.payload, "memory", v, sizeof(v)), "256",
		       "context.memory_limit_in_mb (a string, as in Lambda)");
		is_str(h_field(r.payload, "arn", v, sizeof(v)),
		       "arn:aws:lambda:us-east-1:123456789012:function:py",
		       "context.invoked_function_arn");
		is_str(h_field(r.payload, "version", v, sizeof(v)), "$LATEST", "function_version");
		{
			char root[512], cwd[512];
			long rem = atol(h_field(r.payload, "remaining", v, sizeof(v)));

			ok(rem > 0 && rem <= 1000, "get_remaining_time_in_millis() within Timeout: %ld",
			   rem);
			h_field(r.payload, "root", root, sizeof(root));
			h_field(r.payload, "cwd", cwd, sizeof(cwd));
			ok(strcmp(root, cwd) == 0 && strstr(root, "/task") != NULL,
			   "LAMBDA_TASK_ROOT is the working directory: %s", root);
		}
		ok(r.detail != NULL && strstr(r.detail, "importing index | handling echo") != NULL,
		   "what the code printed is in the trace detail, not in the result: %s", r.detail);
	}
	pid1 = atoi(h_field(r.payload, "pid", v, sizeof(v)));
	fg_invoke_result_free(&r);

	if (call(&h, "py", "{}", FG_INVOKE_OK, &r, "second invocation"))
		ok(strcmp(h_field(r.payload, "count", v, sizeof(v)), "2") == 0 &&
		   atoi(h_field(r.payload, "pid", v, sizeof(v))) == pid1,
		   "the warm worker serves it (module state kept, same process)");
	fg_invoke_result_free(&r);

	{
		/* 3 MB each way: more than any pipe or socket buffer holds */
		size_t n = 3 * 1024 * 1024;
		char *big = malloc(n + 64);

		strcpy(big, "{\"do\":\"size\",\"blob\":\"");
		memset(big + strlen(big), 'b', n);
		strcpy(big + strlen("{\"do\":\"size\",\"blob\":\"") + n, "\"}");
		if (call(&h, "py", big, FG_INVOKE_OK, &r, "a 3 MB event"))
			ok(strstr(r.payload, "\"size\": 3145728") != NULL && r.len > n,
			   "arrives whole and comes back whole (%zu bytes)", r.len);
		fg_invoke_result_free(&r);
		free(big);
	}
	if (call(&h, "py", "{\"do\":\"huge\"}", FG_INVOKE_FUNCTION_ERROR, &r, "a 7 MB result"))
		is_str(h_field(r.payload, "errorType", v, sizeof(v)), "Function.ResponseSizeTooLarge",
		       "is over Lambda's 6 MB limit");
	fg_invoke_result_free(&r);
	if (call(&h, "py", "{\"do\":\"raise\"}", FG_INVOKE_FUNCTION_ERROR, &r, "a raise")) {
		is_str(h_field(r.payload, "errorType", v, sizeof(v)), "ValueError", "errorType");
		is_str(h_field(r.payload, "errorMessage", v, sizeof(v)), "bad value 1", "errorMessage");
		ok(strstr(h_field(r.payload, "stackTrace", v, sizeof(v)),
			  "line 10, in handler") != NULL, "stackTrace points at the raise: %s", v);
		is_str(h_field(r.payload, "requestId", v, sizeof(v)), r.request_id, "requestId");
	}
	fg_invoke_result_free(&r);
	if (call(&h, "py", "{\"do\":\"marshal\"}", FG_INVOKE_FUNCTION_ERROR, &r, "a set result"))
		ok(strcmp(h_field(r.payload, "errorType", v, sizeof(v)), "Runtime.MarshalError") == 0,
		   "Runtime.MarshalError");
	fg_invoke_result_free(&r);
	if (call(&h, "py", "{}", FG_INVOKE_OK, &r, "after an exception"))
		is_str(h_field(r.payload, "count", v, sizeof(v)), "3",
		       "an exception does not cost the worker");
	fg_invoke_result_free(&r);

	if (call(&h, "py", "{\"do\":\"exit\"}", FG_INVOKE_CRASHED, &r, "os._exit(3)")) {
		ok(r.detail != NULL && strstr(r.detail, "exit status 3") != NULL &&
		   strstr(r.detail, "about to exit") != NULL, "the detail has the exit status and "
		   "the stderr tail: %s", r.detail);
		ok(r.payload != NULL && strstr(r.payload, "Runtime.ExitError") != NULL,
		   "payload is Lambda's Runtime.ExitError: %s", r.payload);
	}
	fg_invoke_result_free(&r);
	if (call(&h, "py", "{}", FG_INVOKE_OK, &r, "after a crash"))
		ok(strcmp(h_field(r.payload, "count", v, sizeof(v)), "1") == 0 &&
		   atoi(h_field(r.payload, "pid", v, sizeof(v))) != pid1, "a fresh worker");
	fg_invoke_result_free(&r);

	if (call(&h, "py", "{\"do\":\"garbage\"}", FG_INVOKE_CRASHED, &r, "garbage on fd 4"))
		ok(r.detail != NULL && strstr(r.detail, "not a result: 'this is not json'") != NULL,
		   "the detail shows what it wrote: %s", r.detail);
	fg_invoke_result_free(&r);
	if (call(&h, "py", "{}", FG_INVOKE_OK, &r, "after garbage"))
		is_str(h_field(r.payload, "count", v, sizeof(v)), "1", "a fresh worker");
	fg_invoke_result_free(&r);

	if (call(&h, "py", "{\"do\":\"loop\"}", FG_INVOKE_TIMEOUT, &r, "a loop with Timeout: 1")) {
		ok(r.payload != NULL && strstr(r.payload, "Task timed out after 1.00 seconds") != NULL,
		   "Lambda's timeout message: %s", r.payload);
		ok(r.duration_ms >= 1000 && r.duration_ms < 5000, "took the Timeout: %lld ms",
		   (long long)r.duration_ms);
	}
	fg_invoke_result_free(&r);
	if (call(&h, "py", "{}", FG_INVOKE_OK, &r, "after a timeout"))
		is_str(h_field(r.payload, "count", v, sizeof(v)), "1", "the worker was replaced");
	fg_invoke_result_free(&r);
	h_fini(&h);
	unsetenv("FG_TEST_SECRET");
}

/* Init errors are answered on every invocation, as Lambda does. */
static void test_python_init_errors(void)
{
	struct h h;
	struct fg_err e;
	struct fg_invoke_result r;
	char v[512], *yaml;
	static const struct {
		const char *code, *type, *msg;
	} cases[] = {
		{ "def other(e, c):\n    return 1\n", "Runtime.HandlerNotFound",
		  "Handler 'handler' missing on module 'index'" },
		{ "def handler(e, c)\n    return 1\n", "Runtime.UserCodeSyntaxError",
		  "Syntax error in module 'index'" },
		{ "import no_such_module_here\n", "Runtime.ImportModuleError",
		  "Unable to import module 'index': No module named 'no_such_module_here'" },
		{ "raise RuntimeError('at import')\n", "RuntimeError", "at import" },
	};

	if (!have("python3")) {
		skip(8, "python3 is not installed");
		return;
	}
	h_init(&h, 1);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		yaml = h_fn_yaml("broken", "python3.11", 3, NULL, cases[i].code);
		h_deploy(&h, "init", yaml, &e);
		free(yaml);
		if (call(&h, "broken", "{}", FG_INVOKE_FUNCTION_ERROR, &r, cases[i].type))
			ok(strcmp(h_field(r.payload, "errorType", v, sizeof(v)), cases[i].type) == 0 &&
			   strstr(h_field(r.payload, "errorMessage", v, sizeof(v)), cases[i].msg),
			   "%s: %s", cases[i].type, r.payload);
		fg_invoke_result_free(&r);
	}
	h_fini(&h);
}

/* -------------------------------------------------------------------- Node */

/* yaml (taken) with its Handler replaced. */
static char *with_handler(char *yaml, const char *handler)
{
	char *p = strstr(yaml, "index.handler"), *out;

	FG_ASSERT(p != NULL);
	FG_ASSERT(asprintf(&out, "%.*s%s%s", (int)(p - yaml), yaml, handler, p + 13) >= 0);
	free(yaml);
	return out;
}

static const char *const node_code =
	"let count = 0;\n"
	"console.log('importing index');\n"
	"exports.handler = async (event, context) => {\n"
	"  count++;\n"
	"  console.log('handling', event.do);\n"
	"  if (event.do === 'throw') throw new TypeError('bad type ' + count);\n"
	"  if (event.do === 'loop') for (;;) {}\n"
	"  if (event.do === 'exit') { console.error('about to exit'); process.exit(3); }\n"
	"  if (event.do === 'garbage') { require('fs').writeSync(4, 'nope\\n'); return 1; }\n"
	"  return { count, event, pid: process.pid, greeting: process.env.GREETING,\n"
	"    requestId: context.awsRequestId, functionName: context.functionName,\n"
	"    memory: context.memoryLimitInMB, arn: context.invokedFunctionArn,\n"
	"    remaining: context.getRemainingTimeInMillis() };\n"
	"};\n"
	"exports.callback = (event, context, callback) => {\n"
	"  setImmediate(() => event.fail ? callback(new Error('cb failed')) : callback(null, { via: 'callback' }));\n"
	"};\n"
	"exports.uncaught = async () => { setImmediate(() => { throw new Error('escaped'); });\n"
	"  return new Promise(() => {}); };\n";

static void test_node(void)
{
	struct h h;
	struct fg_err e;
	struct fg_invoke_result r;
	char v[512], *yaml;
	int pid1;

	if (!have("node")) {
		skip(24, "node is not installed");
		return;
	}
	h_init(&h, 2);
	yaml = h_fn_yaml("js", "nodejs20.x", 1, "      Environment:\n"
			 "        Variables: { GREETING: hi }\n", node_code);
	ok(h_deploy(&h, "node", yaml, &e) == 0, "deploy a Node function: %s", e.message);
	free(yaml);
	if (call(&h, "js", "{\"do\":\"echo\"}", FG_INVOKE_OK, &r, "async handler")) {
		is_str(h_field(r.payload, "event", v, sizeof(v)), "{\"do\":\"echo\"}", "event");
		is_str(h_field(r.payload, "greeting", v, sizeof(v)), "hi", "Environment.Variables");
		is_str(h_field(r.payload, "requestId", v, sizeof(v)), r.request_id,
		       "context.awsRequestId");
		is_str(h_field(r.payload, "functionName", v, sizeof(v)), "js", "context.functionName");
		is_str(h_field(r.payload, "memory", v, sizeof(v)), "128", "context.memoryLimitInMB");
		is_str(h_field(r.payload, "arn", v, sizeof(v)),
		       "arn:aws:lambda:us-east-1:123456789012:function:js", "invokedFunctionArn");
		{
			long rem = atol(h_field(r.payload, "remaining", v, sizeof(v)));

			ok(rem > 0 && rem <= 1000, "getRemainingTimeInMillis(): %ld", rem);
		}
		ok(r.detail != NULL && strstr(r.detail, "handling echo") != NULL,
		   "console.log goes to the trace detail: %s", r.detail);
	}
	pid1 = atoi(h_field(r.payload, "pid", v, sizeof(v)));
	fg_invoke_result_free(&r);
	if (call(&h, "js", "{}", FG_INVOKE_OK, &r, "again"))
		ok(strcmp(h_field(r.payload, "count", v, sizeof(v)), "2") == 0 &&
		   atoi(h_field(r.payload, "pid", v, sizeof(v))) == pid1, "warm worker reused");
	fg_invoke_result_free(&r);
	if (call(&h, "js", "{\"do\":\"throw\"}", FG_INVOKE_FUNCTION_ERROR, &r, "a throw")) {
		is_str(h_field(r.payload, "errorType", v, sizeof(v)), "TypeError", "errorType");
		is_str(h_field(r.payload, "errorMessage", v, sizeof(v)), "bad type 3", "errorMessage");
		ok(strstr(h_field(r.payload, "trace", v, sizeof(v)), "index.js:6") != NULL,
		   "trace (Node's name for the stack) points at the throw: %.100s", v);
	}
	fg_invoke_result_free(&r);
	if (call(&h, "js", "{\"do\":\"exit\"}", FG_INVOKE_CRASHED, &r, "process.exit(3)"))
		ok(r.detail != NULL && strstr(r.detail, "exit status 3") != NULL &&
		   strstr(r.detail, "about to exit") != NULL, "exit status and stderr: %s", r.detail);
	fg_invoke_result_free(&r);
	if (call(&h, "js", "{\"do\":\"garbage\"}", FG_INVOKE_CRASHED, &r, "garbage on fd 4"))
		ok(strstr(r.detail, "'nope'") != NULL, "detail: %s", r.detail);
	fg_invoke_result_free(&r);
	if (call(&h, "js", "{\"do\":\"loop\"}", FG_INVOKE_TIMEOUT, &r, "a loop with Timeout: 1"))
		ok(strstr(r.payload, "Task timed out after 1.00 seconds") != NULL, "timeout payload");
	fg_invoke_result_free(&r);
	if (call(&h, "js", "{}", FG_INVOKE_OK, &r, "after crash, garbage and timeout"))
		is_str(h_field(r.payload, "count", v, sizeof(v)), "1", "a fresh worker");
	fg_invoke_result_free(&r);

	yaml = with_handler(h_fn_yaml("js", "nodejs22.x", 3, NULL, node_code), "index.callback");
	ok(h_deploy(&h, "node", yaml, &e) == 0, "redeploy with Handler: index.callback: %s",
	   e.message);
	free(yaml);
	if (call(&h, "js", "{}", FG_INVOKE_OK, &r, "callback-style handler"))
		is_str(r.payload, "{\"via\":\"callback\"}", "callback(null, result)");
	fg_invoke_result_free(&r);
	if (call(&h, "js", "{\"fail\":true}", FG_INVOKE_FUNCTION_ERROR, &r, "callback(error)"))
		is_str(h_field(r.payload, "errorMessage", v, sizeof(v)), "cb failed", "its message");
	fg_invoke_result_free(&r);
	yaml = with_handler(h_fn_yaml("js", "nodejs22.x", 3, NULL, node_code), "index.uncaught");
	ok(h_deploy(&h, "node", yaml, &e) == 0, "redeploy with Handler: index.uncaught");
	free(yaml);
	if (call(&h, "js", "{}", FG_INVOKE_FUNCTION_ERROR, &r, "an uncaught exception"))
		is_str(h_field(r.payload, "errorMessage", v, sizeof(v)), "escaped",
		       "is the invocation's error");
	fg_invoke_result_free(&r);
	h_invoke(&h, "js", "{}", &r);
	ok(r.status == FG_INVOKE_FUNCTION_ERROR && r.detail != NULL &&
	   strstr(r.detail, "exit") == NULL, "the runtime exited and the next invocation gets a "
	   "fresh one (not a crash): %s", h_status(r.status));
	fg_invoke_result_free(&r);
	h_fini(&h);
}

/* ---------------------------------------------------------------- Command */

static const char *const command_yaml =
	"Resources:\n"
	"  Fn:\n"
	"    Type: AWS::Lambda::Function\n"
	"    Metadata:\n"
	"      Frontgate:\n"
	"        Command:\n"
	"          - python3\n"
	"          - -c\n"
	"          - |\n"
	"            import json, os, sys\n"
	"            n = 0\n"
	"            for line in sys.stdin:\n"
	"                msg = json.loads(line)\n"
	"                n += 1\n"
	"                ev = msg['event']\n"
	"                if ev.get('do') == 'error':\n"
	"                    out = {'error': {'errorMessage': 'no', 'errorType': 'Nope'}}\n"
	"                elif ev.get('do') == 'garbage':\n"
	"                    out = 'hello'\n"
	"                elif ev.get('do') == 'exit':\n"
	"                    sys.stderr.write('bye\\n'); sys.stderr.flush(); os._exit(7)\n"
	"                else:\n"
	"                    out = {'result': {'n': n, 'event': ev, 'ctx': msg['context'],\n"
	"                                      'env': os.environ.get('COLOR'),\n"
	"                                      'host': os.environ.get('FG_TEST_HOST')}}\n"
	"                print(json.dumps(out), flush=True)\n"
	"    Properties:\n"
	"      FunctionName: cmd\n"
	"      Runtime: provided.al2023\n"
	"      Handler: bootstrap\n"
	"      Role: arn:aws:iam::123456789012:role/r\n"
	"      MemorySize: 512\n"
	"      Environment: { Variables: { COLOR: blue } }\n"
	"      Code: { S3Bucket: my-bucket, S3Key: fn.zip }\n";

static void test_command(void)
{
	struct h h;
	struct fg_err e;
	struct fg_invoke_result r;
	char v[2048];

	if (!have("python3")) {
		skip(14, "python3 is not installed");
		return;
	}
	setenv("FG_TEST_HOST", "inherited", 1);
	h_init(&h, 1);
	ok(h_deploy(&h, "cmd", command_yaml, &e) == 0, "deploy a Command function: %s", e.message);
	if (call(&h, "cmd", "{\"a\":1}", FG_INVOKE_OK, &r, "a JSON line in, a result line out")) {
		is_str(h_field(r.payload, "event", v, sizeof(v)), "{\"a\":1}", "the event");
		is_str(h_field(r.payload, "env", v, sizeof(v)), "blue", "Environment.Variables");
		is_str(h_field(r.payload, "host", v, sizeof(v)), "inherited",
		       "a Command inherits frontgate's environment");
		h_field(r.payload, "ctx", v, sizeof(v));
		ok(strstr(v, "\"awsRequestId\":\"") != NULL && strstr(v, r.request_id) != NULL &&
		   strstr(v, "\"functionName\":\"cmd\"") && strstr(v, "\"memoryLimitInMB\":512") &&
		   strstr(v, "\"deadlineMs\":") && strstr(v, "\"timeoutMs\":3000"),
		   "the context: %s", v);
	}
	fg_invoke_result_free(&r);
	if (call(&h, "cmd", "{}", FG_INVOKE_OK, &r, "second"))
		is_str(h_field(r.payload, "n", v, sizeof(v)), "2", "the program is kept running");
	fg_invoke_result_free(&r);
	if (call(&h, "cmd", "{\"do\":\"error\"}", FG_INVOKE_FUNCTION_ERROR, &r, "an error line"))
		is_str(r.payload, "{\"errorMessage\":\"no\",\"errorType\":\"Nope\"}",
		       "the error object is the payload");
	fg_invoke_result_free(&r);
	if (call(&h, "cmd", "{\"do\":\"garbage\"}", FG_INVOKE_CRASHED, &r, "a line that is no result"))
		ok(strstr(r.detail, "not a result: '\"hello\"'") != NULL, "detail: %s", r.detail);
	fg_invoke_result_free(&r);
	if (call(&h, "cmd", "{\"do\":\"exit\"}", FG_INVOKE_CRASHED, &r, "the program exits"))
		ok(strstr(r.detail, "exit status 7") != NULL && strstr(r.detail, "bye") != NULL,
		   "detail: %s", r.detail);
	fg_invoke_result_free(&r);
	if (call(&h, "cmd", "{}", FG_INVOKE_OK, &r, "afterwards"))
		is_str(h_field(r.payload, "n", v, sizeof(v)), "1", "a fresh program");
	fg_invoke_result_free(&r);
	ok(h_deploy(&h, "cmd", "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n"
		    "    Metadata: { Frontgate: { Command: [/no/such/program] } }\n"
		    "    Properties: { FunctionName: cmd, Role: r, PackageType: Image,\n"
		    "                  Code: { ImageUri: x } }\n", &e) == 0, "a missing program");
	if (call(&h, "cmd", "{}", FG_INVOKE_CRASHED, &r, "cannot start"))
		ok(strstr(r.detail, "cannot start /no/such/program: No such file") != NULL,
		   "detail: %s", r.detail);
	fg_invoke_result_free(&r);
	h_fini(&h);
	unsetenv("FG_TEST_HOST");
}

/* ------------------------------------------------------------ concurrency */

struct inv_thread {
	pthread_t t;
	struct h *h;
	struct fg_invoke_result r;
};

static void *inv_main(void *arg)
{
	struct inv_thread *it = arg;

	h_invoke(it->h, "gated", "{}", &it->r);
	return NULL;
}

/*
 * Three invocations of a function with 2 workers: each handler reports on the "started"
 * FIFO, then blocks reading the "gate" FIFO. Two start, the third waits in the queue; after
 * the gate opens all three finish, served by two processes.
 */
static void test_concurrency(void)
{
	char dir[] = "/tmp/fg-lambda-test-XXXXXX", started[200], gate[200], code[1024];
	struct inv_thread th[3];
	struct h h;
	struct fg_err e;
	unsigned nstarted = 0, busy = 0, queued = 0;
	int sfd, gfd, pids[3];
	char *yaml, c;
	struct lambda_pool *pool;

	if (!have("python3") || mkdtemp(dir) == NULL) {
		skip(6, "python3 is not installed");
		return;
	}
	snprintf(started, sizeof(started), "%s/started", dir);
	snprintf(gate, sizeof(gate), "%s/gate", dir);
	FG_ASSERT(mkfifo(started, 0600) == 0 && mkfifo(gate, 0600) == 0);
	sfd = open(started, O_RDWR);
	gfd = open(gate, O_RDWR);
	snprintf(code, sizeof(code),
		 "import os\n"
		 "def handler(event, context):\n"
		 "    s = os.open('%s', os.O_WRONLY)\n"
		 "    os.write(s, b'x')\n"
		 "    os.close(s)\n"
		 "    g = os.open('%s', os.O_RDONLY)\n"
		 "    os.read(g, 1)\n"
		 "    os.close(g)\n"
		 "    return os.getpid()\n", started, gate);
	h_init(&h, 2);
	yaml = h_fn_yaml("gated", "python3.12", 30, NULL, code);
	ok(h_deploy(&h, "conc", yaml, &e) == 0, "deploy: %s", e.message);
	free(yaml);
	pool = h_pool(&h, "gated");
	for (int i = 0; i < 3; i++) {
		th[i].h = &h;
		pthread_create(&th[i].t, NULL, inv_main, &th[i]);
	}
	/* two handlers run ... */
	ok(read(sfd, &c, 1) == 1 && read(sfd, &c, 1) == 1, "two handlers started");
	/* ... and the third invocation is queued (it will be until a worker frees up) */
	for (int spins = 0; spins < 200000; spins++) {
		lambda_pool_stats(pool, &nstarted, &busy, &queued);
		if (queued == 1)
			break;
		sched_yield();
	}
	ok(nstarted == 2 && busy == 2 && queued == 1,
	   "two workers busy, one invocation queued: %u started, %u busy, %u queued",
	   nstarted, busy, queued);
	ok(write(gfd, "xxx", 3) == 3, "open the gate");
	{
		struct pollfd pf = { .fd = sfd, .events = POLLIN };

		ok(poll(&pf, 1, 30000) == 1 && read(sfd, &c, 1) == 1, "the third handler started");
	}
	for (int i = 0; i < 3; i++) {
		pthread_join(th[i].t, NULL);
		pids[i] = th[i].r.status == FG_INVOKE_OK ? atoi(th[i].r.payload) : -1;
		fg_invoke_result_free(&th[i].r);
	}
	ok(pids[0] > 0 && pids[1] > 0 && pids[2] > 0, "all three answered");
	ok((pids[0] == pids[1]) + (pids[0] == pids[2]) + (pids[1] == pids[2]) == 1,
	   "by two worker processes: %d %d %d", pids[0], pids[1], pids[2]);
	h_fini(&h);
	close(sfd);
	close(gfd);
	unlink(started);
	unlink(gate);
	rmdir(dir);
}

/* ---------------------------------------------------- redeploys and teardown */

static const char *const v_code =
	"import os\n"
	"def handler(event, context):\n"
	"    return {'version': os.environ['VER'], 'pid': os.getpid()}\n";

static void test_redeploy(void)
{
	struct h h;
	struct fg_err e;
	struct fg_invoke_result r;
	char v[64], *yaml, *yaml2;
	int pid1 = -1, pid2 = -2, st;

	if (!have("python3")) {
		skip(9, "python3 is not installed");
		return;
	}
	h_init(&h, 2);
	yaml = h_fn_yaml("ver", "python3.12", 3, "      Environment: { Variables: { VER: one } }\n",
			 v_code);
	ok(h_deploy(&h, "re", yaml, &e) == 0, "deploy v1: %s", e.message);
	if (call(&h, "ver", "{}", FG_INVOKE_OK, &r, "v1"))
		pid1 = atoi(h_field(r.payload, "pid", v, sizeof(v)));
	fg_invoke_result_free(&r);
	/* the same function plus an unrelated resource: the warm worker stays */
	yaml2 = malloc(strlen(yaml) + 100);
	sprintf(yaml2, "%s  Logs:\n    Type: AWS::Logs::LogGroup\n", yaml);
	ok(h_deploy(&h, "re", yaml2, &e) == 0, "redeploy without changing the function");
	free(yaml2);
	if (call(&h, "ver", "{}", FG_INVOKE_OK, &r, "unchanged"))
		ok(atoi(h_field(r.payload, "pid", v, sizeof(v))) == pid1, "same warm worker");
	fg_invoke_result_free(&r);
	free(yaml);
	yaml = h_fn_yaml("ver", "python3.12", 3, "      Environment: { Variables: { VER: two } }\n",
			 v_code);
	ok(h_deploy(&h, "re", yaml, &e) == 0, "redeploy with a changed environment");
	free(yaml);
	ok(kill(pid1, 0) != 0 && errno == ESRCH, "the old worker was stopped and reaped");
	if (call(&h, "ver", "{}", FG_INVOKE_OK, &r, "v2")) {
		is_str(h_field(r.payload, "version", v, sizeof(v)), "two", "the new configuration");
		pid2 = atoi(h_field(r.payload, "pid", v, sizeof(v)));
	}
	fg_invoke_result_free(&r);
	h_fini(&h);
	ok(pid2 > 0 && kill(pid2, 0) != 0 && errno == ESRCH &&
	   waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD,
	   "lambda_destroy stops every worker and leaves no zombie");
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	test_python();
	test_python_init_errors();
	test_node();
	test_command();
	test_concurrency();
	test_redeploy();
	return tap_done();
}
